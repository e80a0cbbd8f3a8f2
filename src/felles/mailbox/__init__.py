"""Digital post: letters to people and organisations, routed by KRR (decision 0034)."""
