"""Impartiality services: every write and every rule (declarations, reviews, the conflict service, overrides,
the risk registers, the committee). Other capabilities import from here (`impartiality.services`)."""

# --- declarations, reviews and conflicts (H2) ---
# declarations (H2a)
from .declarations import (  # noqa: F401 (re-exported)
    DECLARATION_RENEWAL,
    DECLARATION_REVIEW,
    RELATIONSHIP_FIELDS,
    annual_valid_until,
    declaration_correct,
    declaration_review,
    declaration_start,
    declaration_submit,
    relationship_add,
    relationship_remove,
    relationship_update,
)


# --- risk registers and committee (H3) ---
