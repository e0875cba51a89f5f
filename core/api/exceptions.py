"""One error shape for the whole API: `{"code", "message", "fieldErrors"}` with the right status."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.errors import TransitionNotAllowed, error_code


def _django_validation_fields(exc: DjangoValidationError) -> tuple[dict[str, list[str]], list[str]]:
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            if name in ("__all__", "non_field_errors"):
                general.extend(errors)
            else:
                fields[name] = list(errors)
    else:
        general.extend(exc.messages)
    return fields, general


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_flatten(item, f"{prefix}[{index}]"))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def error_body(code: str, message: str, field_errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "field_errors": field_errors or {}}


def icr_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors answer with their stable code (`core.errors.error_code`): the first coded error of a
    ValidationError (400), a TransitionNotAllowed's (409), a PermissionDenied's (403); "invalid" only when
    nothing more specific is known. An integrator branches on `code`; `message`/`fieldErrors` are for people."""
    if isinstance(exc, DjangoValidationError):
        fields, general = _django_validation_fields(exc)
        message = " ".join(general) or _("Some fields are not valid.")
        return Response(error_body(error_code(exc), message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TransitionNotAllowed):
        return Response(error_body(exc.code, exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        code = error_code(exc)
        exc = exceptions.PermissionDenied(str(exc) or None, code=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        general = fields.pop("non_field_errors", [])
        message = " ".join(general) or _("Some fields are not valid.")
        response.data = error_body("invalid", message, fields)
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail))
    return response
