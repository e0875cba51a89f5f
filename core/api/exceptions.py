"""One error shape for the whole API: `{"code", "message", "fieldErrors"}` with the right status.

No framework wording reaches a caller: DRF's own messages ("This field may not be null.", "Incorrect type.
Expected pk value, received str.", "JSON parse error - ...", "Authentication credentials were not provided.",
'Method "X" not allowed.' ...) are replaced here by plain, translated ones (`plain_field_message`,
`_plain_exception`); messages the platform wrote itself pass unchanged.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from rest_framework import exceptions, fields, relations, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.api.renderers import IcrJSONRenderer
from core.errors import TransitionNotAllowed, error_code

# --- DRF's field messages, in plain words -------------------------------------------------------------------

#: our message for a DRF error code, whatever the field
_PLAIN_BY_CODE: dict[str, Any] = {
    "required": gettext_lazy("This field is required."),
    "null": gettext_lazy("This field cannot be empty."),
    "blank": gettext_lazy("This field cannot be empty."),
    "does_not_exist": gettext_lazy("Unknown value."),
    "incorrect_type": gettext_lazy("Unknown value."),
    "not_a_list": gettext_lazy("Send a list."),
    "not_a_dict": gettext_lazy("Send an object (names and values)."),
    "date": gettext_lazy("Enter a date and time, not only a date."),
    "datetime": gettext_lazy("Enter a date without a time."),
    "max_string_length": gettext_lazy("The value is too long."),
    "overflow": gettext_lazy("The value is out of range."),
    "make_aware": gettext_lazy("This date and time does not exist in the time zone."),
    "no_name": gettext_lazy("The file has no name."),
    "no_match": gettext_lazy("Unknown value."),
    "incorrect_match": gettext_lazy("Unknown value."),
}

#: our message for an `invalid` value of a DRF field class (the first class of the field's MRO listed here)
_PLAIN_INVALID: dict[type, Any] = {
    fields.BooleanField: gettext_lazy("Enter true or false."),
    fields.UUIDField: gettext_lazy("Enter a valid identifier."),
    fields.IntegerField: gettext_lazy("Enter a whole number."),
    fields.FloatField: gettext_lazy("Enter a number."),
    fields.DecimalField: gettext_lazy("Enter a number."),
    fields.DateTimeField: gettext_lazy("Enter a date and time, e.g. 2026-12-07T09:30:00Z."),
    fields.DateField: gettext_lazy("Enter a date as YYYY-MM-DD."),
    fields.TimeField: gettext_lazy("Enter a time as hh:mm."),
    fields.DurationField: gettext_lazy("Enter a duration."),
    fields.FileField: gettext_lazy("Send a file (as multipart/form-data)."),
    fields.JSONField: gettext_lazy("Enter valid JSON."),
    fields.CharField: gettext_lazy("Enter text."),
    relations.SlugRelatedField: gettext_lazy("Unknown value."),
    serializers.Serializer: gettext_lazy("Send an object (names and values)."),
}


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _framework_messages() -> list[tuple[type, str, Any]]:
    """Every (field class, code, message template) DRF declares, serializers included."""
    classes = dict.fromkeys([fields.Field, *_subclasses(fields.Field)])
    found: list[tuple[type, str, Any]] = []
    for cls in classes:
        if not cls.__module__.startswith("rest_framework."):
            continue
        for code, template in cls.__dict__.get("default_error_messages", {}).items():
            found.append((cls, code, template))
    return found


def _replacement(cls: type, code: str) -> Any:
    if code == "invalid":
        for klass in cls.__mro__:
            if klass in _PLAIN_INVALID:
                return _PLAIN_INVALID[klass]
        return None
    return _PLAIN_BY_CODE.get(code)


@functools.cache
def _patterns(language: str | None) -> dict[str, list[tuple[re.Pattern[str], Any]]]:
    """Per code, DRF's templates in the active language as patterns, with the plain message that replaces them
    (DRF renders its messages in the request's language, so they are matched in it)."""
    patterns: dict[str, list[tuple[re.Pattern[str], Any]]] = {}
    for cls, code, template in _framework_messages():
        plain = _replacement(cls, code)
        if plain is None:
            continue
        parts = re.split(r"\{[^}]*\}", str(template))
        pattern = re.compile("^" + ".*?".join(re.escape(part) for part in parts) + "$", re.DOTALL)
        patterns.setdefault(code, []).append((pattern, plain))
    return patterns


def plain_field_message(detail: Any) -> Any:
    """DRF's own message for a field (matched by its code and wording) becomes ours; others pass unchanged."""
    if not isinstance(detail, ErrorDetail):
        return detail
    for pattern, plain in _patterns(get_language()).get(str(detail.code), ()):
        if pattern.match(str(detail)):
            return ErrorDetail(str(plain), code=detail.code)
    return detail


def _plain_details(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _plain_details(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_plain_details(item) for item in detail]
    return plain_field_message(detail)


def _is_default(exc: exceptions.APIException) -> bool:
    return str(exc.detail) == str(exc.default_detail)


def _plain_exception(exc: exceptions.APIException) -> str:
    """The message of a non-validation API error, in plain words when DRF wrote it."""
    if isinstance(exc, exceptions.ParseError):  # e.g. "JSON parse error - Expecting value: line 1 column 1"
        return _("The request body could not be read. Send valid JSON (or multipart/form-data with files).")
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("Sign in, or send an API token as “Authorization: Bearer <token>”.")
    if isinstance(exc, exceptions.AuthenticationFailed) and _is_default(exc):
        return _("The credentials are not valid.")
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = getattr(exc, "icr_method", "")
        return _("This address does not accept %(method)s.") % {"method": method or _("this method")}
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _("Send the request body as JSON (or multipart/form-data with files).")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("This address cannot answer in the requested format.")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            return _("Too many requests. Try again in %(seconds)s seconds.") % {
                "seconds": int(exc.wait + 0.999)
            }
        return _("Too many requests. Try again later.")
    if isinstance(exc, exceptions.NotFound) and _is_default(exc):
        return _("Not found.")
    if isinstance(exc, exceptions.PermissionDenied) and _is_default(exc):
        return _("You may not do this.")
    return str(exc.detail)


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


def api_not_found() -> HttpResponse:
    """404 for a path under /api/ that no route matches (a malformed id, an unknown collection), in the API's
    error shape; Django's `handler404` (`core.views.page_not_found`) answers it for those paths."""
    return JsonResponse({"code": "not_found", "message": _("Not found."), "fieldErrors": {}}, status=404)


def _answer_in_json(request: Any) -> None:
    """An error is JSON even where the success is not (`?format=pdf`): DRF renders it with the renderer the
    request negotiated, which for a PDF writes no body and no content type."""
    if request is not None and not isinstance(getattr(request, "accepted_renderer", None), IcrJSONRenderer):
        request.accepted_renderer = IcrJSONRenderer()
        request.accepted_media_type = "application/json"


def icr_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Domain errors answer with their stable code (`core.errors.error_code`): the first coded error of a
    ValidationError (400), a TransitionNotAllowed's (409), a PermissionDenied's (403); "invalid" only when
    nothing more specific is known. An integrator branches on `code`; `message`/`fieldErrors` are for people."""
    if isinstance(exc, DjangoValidationError):
        field_errors, general = _django_validation_fields(exc)
        message = " ".join(general) or _("Some fields are not valid.")
        return Response(
            error_body(error_code(exc), message, field_errors), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, TransitionNotAllowed):
        return Response(error_body(exc.code, exc.message), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        code = error_code(exc)
        exc = exceptions.PermissionDenied(str(exc) or None, code=code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.MethodNotAllowed):
        request = context.get("request")
        exc.icr_method = getattr(request, "method", "")  # type: ignore[attr-defined]

    response = exception_handler(exc, context)
    if response is None:
        return None
    _answer_in_json(context.get("request"))
    if isinstance(exc, exceptions.ValidationError):
        field_errors = _flatten(_plain_details(exc.detail))
        general = field_errors.pop("non_field_errors", [])
        message = " ".join(general) or _("Some fields are not valid.")
        response.data = error_body("invalid", message, field_errors)
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        response.data = error_body(str(code), _plain_exception(exc))
    return response
