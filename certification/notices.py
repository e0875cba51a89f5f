"""Notices of the certification capability (`reminders.notices`)."""

from __future__ import annotations

# --- reviews and decisions (H6) ---
# --- programme and proposals (H7) ---
# --- numbering, public verification, CertSearch (H8) ---
