"""Addresses (the address part of Matrikkelen): street addresses per municipality."""
