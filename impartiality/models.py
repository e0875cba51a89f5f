"""Declarations of interest, reviews and the impartiality risk register (a later issue builds them here)."""
