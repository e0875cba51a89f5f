"""Stable error codes of the impartiality app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class ImpartialityErrorCode(ErrorCode):
    # --- declarations, reviews and conflicts (H2) ---
    #: a declarant cannot review their own declaration
    SELF_REVIEW = "self_review"

    # --- risk registers and committee (H3) ---
    #: a risk's next review is more than a year away (a setting)
    REVIEW_DATE_TOO_FAR = "review_date_too_far"
