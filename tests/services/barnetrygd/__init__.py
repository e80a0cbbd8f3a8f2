"""Tests of barnetrygd at birth."""
