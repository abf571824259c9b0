"""Shared plumbing for every APFA package: typed settings and the database session.

Kept deliberately small: no business logic lives here.
"""
