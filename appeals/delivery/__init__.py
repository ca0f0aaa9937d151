"""delivery (see appeals/__init__.py for the flow)."""
