"""The dashboard only reads; it has no forms."""
