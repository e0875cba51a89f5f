"""Certification services: every write and every rule. Other capabilities import from here
(`certification.services`)."""
