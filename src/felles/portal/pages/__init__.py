"""The portal's pages, one module each."""
