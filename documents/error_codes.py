"""Stable error codes of the documents app (returned by the API in `code`)."""

from __future__ import annotations

from core.error_codes import ErrorCode


class DocumentsErrorCode(ErrorCode):
    #: no capability declared this document kind
    UNKNOWN_KIND = "unknown_kind"
    #: this kind of document is not made for this kind of record
    WRONG_SUBJECT = "wrong_subject"
    #: the actor may not request this kind of document for this record
    REQUEST_NOT_ALLOWED = "request_not_allowed"
    #: the uploaded file is larger than UPLOAD_MAX_BYTES
    FILE_TOO_LARGE = "file_too_large"
    #: the uploaded file is not a PDF
    NOT_A_PDF = "not_a_pdf"
    #: verification takes exactly one of a file, a number or a SHA-256
    ONE_LOOKUP_REQUIRED = "one_lookup_required"
    #: not a SHA-256 (64 hexadecimal characters)
    INVALID_SHA256 = "invalid_sha256"
    #: not a document number
    INVALID_NUMBER = "invalid_number"
