"""Identity: citizen login (OpenID Connect, as ID-porten) and machine tokens (as Maskinporten)."""
