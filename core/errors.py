"""Errors the domain layer raises; every face turns them into its own answer (400/403/409, form errors).

Every error carries a stable code from its app's `error_codes.py` (Saleor style), which the API returns in
`code`: a field error is `ValidationError({"field": ValidationError(message, code=AppErrorCode.X)})`, built
with `coded(message, code)` / `field_error(field, message, code)`; `TransitionNotAllowed` and
`PermissionDenied` take `code=`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .error_codes import CoreErrorCode, declared_codes

__all__ = [
    "PermissionDenied",
    "TransitionNotAllowed",
    "ValidationError",
    "coded",
    "error_code",
    "field_error",
    "refuse_other_fields",
    "unique_or_field_error",
]


class TransitionNotAllowed(Exception):
    """The record is not in a state from which this action is allowed (someone else may have acted first)."""

    code: str = CoreErrorCode.INVALID_TRANSITION

    def __init__(self, message: str, *, current: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.current = current
        if code is not None:
            self.code = str(code)


class PermissionDenied(DjangoPermissionDenied):
    """The actor may not do this; `code` says which rule refused (Django's own PermissionDenied, with a code)."""

    code: str = CoreErrorCode.PERMISSION_DENIED

    def __init__(self, message: Any = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = str(code)


def coded(message: Any, code: StrEnum | str) -> ValidationError:
    """One error with its stable code, for a field dict: `{"valid_to": coded(msg, BodiesErrorCode.X)}`."""
    return ValidationError(message, code=str(code))


def field_error(name: str, message: Any, code: StrEnum | str) -> ValidationError:
    """A ValidationError on one field, with its stable code."""
    return ValidationError({name: coded(message, code)})


@contextmanager
def unique_or_field_error(constraint: str, field: str, message: Any, code: StrEnum | str) -> Iterator[None]:
    """Runs the block in a savepoint; the database refusing it by the unique constraint named `constraint`
    becomes a field error (integrity lives in the database, not in a Python look-up). Other errors pass."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if constraint in str(exc):
            raise field_error(field, message, code) from exc
        raise


def refuse_other_fields(fields: Iterable[str], editable: Iterable[str], *, changing: bool) -> None:
    """Refuses, field by field (`field_not_editable`), what a service does not let its caller set: when
    creating a record (`changing=False`) or changing one."""
    refused = sorted(set(fields) - set(editable))
    if refused:
        message = _("This field cannot be changed here.") if changing else _("This field cannot be set here.")
        raise ValidationError({name: coded(message, CoreErrorCode.FIELD_NOT_EDITABLE) for name in refused})


def error_code(exc: Exception) -> str:
    """The stable code of a domain error: the first declared code (`core.error_codes`) of a ValidationError,
    the code of a TransitionNotAllowed or PermissionDenied; "invalid" / "permission_denied" when nothing more
    specific is known."""
    if isinstance(exc, ValidationError):
        declared = declared_codes()
        for error in _leaves(exc):
            if error.code and str(error.code) in declared:
                return str(error.code)
        return CoreErrorCode.INVALID
    if isinstance(exc, TransitionNotAllowed | PermissionDenied):
        return exc.code
    if isinstance(exc, DjangoPermissionDenied):
        return CoreErrorCode.PERMISSION_DENIED
    return CoreErrorCode.INVALID


def _leaves(exc: ValidationError) -> list[ValidationError]:
    if hasattr(exc, "error_dict"):
        return [leaf for errors in exc.error_dict.values() for error in errors for leaf in _leaves(error)]
    if hasattr(exc, "error_list") and exc.error_list != [exc]:
        return [leaf for error in exc.error_list for leaf in _leaves(error)]
    return [exc]
