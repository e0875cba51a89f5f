"""Engagements: audits, GHG validations and verifications (a later issue builds them here)."""
