"""APFA tools package."""
