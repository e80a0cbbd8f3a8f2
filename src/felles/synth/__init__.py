"""Synthetic Norway: reference data and generators for a synthetic population."""
