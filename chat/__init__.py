"""APFA chat package."""
