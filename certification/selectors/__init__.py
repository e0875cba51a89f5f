"""Certification reads (`certification.selectors`)."""
