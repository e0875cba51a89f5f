"""The portal's preview page of a bulk import, shared by every capability that declares an import kind.

A capability's preview view mixes `ImportPreviewMixin` in front of its own object mixin and `DetailView`, and
names its kind, columns and template; the page shows every row with its errors, and while a large file is read
in the background answers htmx's progress poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from core.portal import is_htmx

from .models import ImportBatch
from .selectors import import_preview_context


class ImportPreviewMixin:
    """Every row of an uploaded file with its errors, as it was read; "Apply" only when all is well (applying
    checks again). While the file is read in the background the page shows its progress, polled by htmx."""

    model = ImportBatch
    context_object_name = "batch"
    #: the batch kind this page shows (another kind's batch is a 404), its columns, and the preview's length
    import_kind: str
    columns: Sequence[str]
    preview_rows = 500
    object: ImportBatch
    request: HttpRequest

    def scoped_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.filter(kind=self.import_kind).select_related("body", "created_by")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request):  # the progress poll
            if self.object.status == ImportBatch.Status.PARSING:
                response = render(request, "imports/partials/_progress.html", {"batch": self.object})
            else:
                response = HttpResponse(status=204)
                response["HX-Refresh"] = "true"  # read: show the whole preview
        else:
            response = super().get(request, *args, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ["HX-Request"])
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["columns"] = self.columns
        if self.object.status in (ImportBatch.Status.APPLIED, ImportBatch.Status.PARSING):
            return context
        context.update(
            import_preview_context(batch=self.object, columns=self.columns, ok_rows_shown=self.preview_rows)
        )
        return context
