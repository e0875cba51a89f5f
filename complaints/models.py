"""Complaints and appeals (a later issue builds them here)."""
