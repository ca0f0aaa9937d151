"""`appeals match` and `appeals criteria` (filled in by the matcher work)."""
