"""OpenAPI generation tuned to the ICR conventions (drf-spectacular)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from djangorestframework_camel_case.util import camelize
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from core.api.access import is_registry_token_action, is_session_only
from core.api.pagination import IcrPagination


class IcrAutoSchema(AutoSchema):
    """Names each list's envelope key after the view's `envelope_key` (e.g. `bodies`, `auditEvents`), states
    public endpoints as needing no credentials and session-only actions as needing a session.

    `IcrPagination` cannot know the view when it describes its envelope, so it documents a placeholder
    `<plural>` key; this schema class replaces it with the real, camelCased key the renderer emits.
    """

    def get_auth(self) -> list[dict[str, Any]]:
        if not self.view.get_authenticators():
            return [
                {}
            ]  # a public endpoint: no credentials (else the document-wide bearer requirement applies)
        if is_session_only(self.view) and not is_registry_token_action(self.view):
            return SESSION_ONLY  # the view declares the action in `session_only_actions`
        requirements: list[dict[str, Any]] = []
        for requirement in super().get_auth():  # the authenticators' and SPECTACULAR_SETTINGS["SECURITY"]
            if requirement not in requirements:
                requirements.append(requirement)
        return requirements

    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self.error_codes(operation):
            if str(code) not in responses:  # what a view declares itself (its own wording) stays
                responses[str(code)] = self._get_response_for_code(
                    error_response(code), str(code), media_types=["application/json"]
                )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_codes(self, operation: dict[str, Any]) -> list[int]:
        """The errors every operation of this kind can answer, documented once here rather than per view:
        400 with a request body, query parameters or a list (a value or a parameter not understood), 401/403
        unless public, 404 with a record in the path, 415 with a request body (in another format), 429 when
        throttled. 409 is the transition actions' own (`transition_action`)."""
        codes = []
        parameters = operation.get("parameters", [])
        if (
            "requestBody" in operation
            or any(p.get("in") == "query" for p in parameters)
            or self._is_list_view()
        ):
            codes.append(400)
        if self.view.get_authenticators():
            codes += [401, 403]
        if any(p.get("in") == "path" for p in parameters):
            codes.append(404)
        if "requestBody" in operation:
            codes.append(415)
        if self.view.get_throttles():
            codes.append(429)
        return codes

    def _get_paginator(self) -> Any:
        paginator = super()._get_paginator()
        key = getattr(self.view, "envelope_key", None)
        if not isinstance(paginator, IcrPagination) or not key:
            return paginator
        json_key = next(iter(camelize({key: None})))
        describe = paginator.get_paginated_response_schema

        def envelope_schema(schema: dict[str, Any]) -> dict[str, Any]:
            result = describe(schema)
            properties = result["properties"]
            properties[json_key] = properties.pop("<plural>", schema)
            result["required"] = [json_key, "pagination"]
            return result

        paginator.get_paginated_response_schema = envelope_schema  # type: ignore[method-assign]
        return paginator


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Documents `accounts.authentication.BearerTokenAuthentication` as the `bearerAuth` scheme."""

    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer"}


#: the security of an operation a bearer token may not call: stated by `IcrAutoSchema.get_auth` for the actions
#: a view lists in `session_only_actions` (see `core.api.views.ApiViewMixin`)
SESSION_ONLY = [{"cookieAuth": []}]


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (see `core.api.exceptions`)."""

    code = serializers.CharField(help_text="machine-readable, e.g. invalid, invalid_transition, not_found")
    message = serializers.CharField()
    field_errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="field name → messages"
    )


_ERROR_TEXT = {
    400: "Invalid input; `fieldErrors` names each field.",
    401: "Missing, invalid, expired or revoked credentials.",
    403: "Not allowed (role, token scope, or a token where a signed-in person is required).",
    404: "Missing, or not visible to the caller.",
    409: "The record is not in a state that allows this action.",
    415: "The request body is in a format this address does not read (send JSON, or multipart/form-data with files).",
    429: "Too many requests.",
}


def error_response(code: int) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code])


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for `@extend_schema(responses=...)`, all in the `ErrorSerializer` shape. `IcrAutoSchema`
    adds the ones every operation of its kind can answer, so a view names only its own (409, a 404 the path
    does not show)."""
    return {code: error_response(code) for code in codes}


View = TypeVar("View", bound=type)


def nested_list_schema(summary: str, **schema: Any) -> Callable[[View], View]:
    """Documents a nested collection's `list` (`@nested_list_schema("The body's decisions", tags=...)`): a page
    of the view's `serializer_class`, and 404 for a parent the caller cannot see."""

    def document(view: View) -> View:
        responses = {200: view.serializer_class(many=True), **errors(401, 403, 404)}
        return extend_schema_view(list=extend_schema(summary=summary, responses=responses, **schema))(view)

    return document
