"""Property: cadastral units (Matrikkelen) and their registered owners (Grunnboken)."""
