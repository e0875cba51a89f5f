"""Certification reads (`certification.selectors`)."""

# --- reviews and decisions (H6) ---
# --- certificates, statements, programme and proposals (H7) ---
# --- public verification, CertSearch (H8) ---
