"""Deadline kinds of the certification capability (`reminders.registry`)."""

from __future__ import annotations

# --- reviews and decisions (H6): decisions and reviews waiting ---
# --- programme and proposals (H7): surveillance and recertification due, certificate expiry, suspension ageing ---
# --- CertSearch (H8): the monthly export reminder ---
