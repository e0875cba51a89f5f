"""Errors the domain layer raises; every face turns them into its own answer (400/403/409, form errors)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["PermissionDenied", "TransitionNotAllowed", "ValidationError"]


class TransitionNotAllowed(Exception):
    """The record is not in a state from which this action is allowed (someone else may have acted first)."""

    code = "invalid_transition"

    def __init__(self, message: str, *, current: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.current = current
