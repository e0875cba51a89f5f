"""Deadline kinds of the competence capability."""
