"""The impartiality capability's notices declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- declarations, reviews and conflicts (H2) ---

# --- risk registers and committee (H3) ---
