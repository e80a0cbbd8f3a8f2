"""The data distributor (datafordeler): data products released under a legal basis or consent,
minimised to the permitted fields and written to the access log — "kun én gang"."""
