"""The ICR list envelope: `{"<plural>": [...], "pagination": {...}}`, driven by `limit` and `page`."""

from __future__ import annotations

import math
from typing import Any

from django.core.paginator import InvalidPage
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class IcrPagination(PageNumberPagination):
    page_query_param = "page"
    page_size_query_param = "limit"
    page_size = 50
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        self.envelope_key = getattr(view, "envelope_key", None) or "results"
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise
        except InvalidPage as exc:  # pragma: no cover - DRF converts this already
            raise NotFound(str(exc)) from exc

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
