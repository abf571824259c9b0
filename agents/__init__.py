"""APFA agents package."""
