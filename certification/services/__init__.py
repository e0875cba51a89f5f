"""Certification services: every write and every rule. Other capabilities import from here
(`certification.services`)."""

# --- reviews and decisions (H6) ---
# --- certificates' life cycle (H6) ---
# --- programme and proposals (H7) ---
# --- numbering, public verification, CertSearch (H8) ---
