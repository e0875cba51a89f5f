"""The ICR list envelope: `{"<plural>": [...], "pagination": {...}}`, driven by `limit` and `page`.

Both parameters are strict, as the schema states them: `page` a whole number from 1 to the last page (a list
with no rows has page 1), `limit` a whole number from 1 to `max_page_size`; anything else answers 400 naming
the parameter (never a silent fallback, never a 404 for a page of a list that exists).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


def _whole_number(request: Any, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise ValidationError({name: [_("Enter a whole number.")]})
    return int(raw)


class IcrPagination(PageNumberPagination):
    page_query_param = "page"
    page_size_query_param = "limit"
    page_size = 50
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        limit = _whole_number(request, self.page_size_query_param)
        if limit is None:
            return self.page_size
        if not 1 <= limit <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Choose from 1 to %(max)s rows a page.") % {"max": self.max_page_size}
                    ]
                }
            )
        return limit

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        self.envelope_key = getattr(view, "envelope_key", None) or "results"
        self.request = request
        page_size = self.get_page_size(request)
        number = _whole_number(request, self.page_query_param) or 0
        paginator = self.django_paginator_class(queryset, page_size)
        if not 1 <= number <= paginator.num_pages and self.page_query_param in request.query_params:
            raise ValidationError(
                {
                    self.page_query_param: [
                        _("Choose a page from 1 to %(last)s.") % {"last": paginator.num_pages}
                    ]
                }
            )
        try:
            self.page = paginator.page(number or 1)
        except InvalidPage as exc:  # pragma: no cover - the number was checked above
            raise ValidationError({self.page_query_param: [str(exc)]}) from exc
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        page = self.page
        total = page.paginator.count
        page_count = max(1, math.ceil(total / page.paginator.per_page)) if total else 1
        return Response(
            {
                self.envelope_key: data,
                "pagination": {
                    "total": total,
                    "current_page": page.number,
                    "page_count": page_count,
                    "next_page": page.next_page_number() if page.has_next() else None,
                    "prev_page": page.previous_page_number() if page.has_previous() else None,
                },
            }
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1 (the default) to the last (`pageCount`).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows a page, from 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["pagination"],
            "properties": {
                "<plural>": schema,
                "pagination": {
                    "type": "object",
                    "properties": {
                        "total": {"type": "integer"},
                        "currentPage": {"type": "integer"},
                        "pageCount": {"type": "integer"},
                        "nextPage": {"type": "integer", "nullable": True},
                        "prevPage": {"type": "integer", "nullable": True},
                    },
                },
            },
        }
