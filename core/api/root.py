"""`/api/v1/`: links to each resource collection and to the documentation.

The collections are read from the URL configuration (every routed list without a path parameter), so a new
capability's endpoints are linked without editing a list here; the kernel names no capability.
"""

from __future__ import annotations

import functools
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.public import PublicApiMixin
from core.api.schema import errors

NAMESPACE = "api-v1"
DOCS = {"schema": "schema", "swagger": "docs", "redoc": "redoc"}


def _api_patterns() -> list[Any]:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == NAMESPACE:
            return list(pattern.url_patterns)
    return []


def _walk(patterns: list[Any]) -> list[str]:
    names: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            names.extend(_walk(list(pattern.url_patterns)))
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groupindex:
            names.append(pattern.name)
    return names


@functools.cache
def collection_names() -> tuple[str, ...]:
    """The URL names of the API's collections (`<basename>-list` routes without a path parameter), plus `me`."""
    names = [name for name in _walk(_api_patterns()) if name.endswith("-list") or name == "me"]
    return tuple(dict.fromkeys(names))


def _key(path: str) -> str:
    """`/api/v1/reference/sectors/` → `reference_sectors` (camelCased by the renderer)."""
    prefix = reverse(f"{NAMESPACE}:root")
    return path.removeprefix(prefix).strip("/").replace("/", "_").replace("-", "_")


class ApiRootView(PublicApiMixin, APIView):
    """The entry point: every collection and the documentation, as absolute links."""

    @extend_schema(
        summary="The API's entry point",
        description="Links to each resource collection (`resources`) and to the documentation (`docs`: the "
        "OpenAPI schema, Swagger UI and ReDoc). No login.",
        tags=["root"],
        responses={
            200: inline_serializer(
                "ApiRootOutput",
                {
                    "resources": serializers.DictField(
                        child=serializers.URLField(), help_text="collection name → its URL"
                    ),
                    "docs": serializers.DictField(
                        child=serializers.URLField(), help_text="schema, swagger, redoc → URL"
                    ),
                },
            ),
            **errors(429),
        },
    )
    def get(self, request: Request) -> Response:
        resources: dict[str, str] = {}
        for name in collection_names():
            path = reverse(f"{NAMESPACE}:{name}")
            resources[_key(path)] = request.build_absolute_uri(path)
        docs = {key: request.build_absolute_uri(reverse(f"{NAMESPACE}:{name}")) for key, name in DOCS.items()}
        return Response({"resources": resources, "docs": docs})
