"""Enhetsregisteret (Brønnøysundregistrene): entities, sub-units, roles, and the registers
that build on it (Foretaksregisteret, Frivillighetsregisteret, MVA-registeret)."""
