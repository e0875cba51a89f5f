"""The portal's upload and preview pages of a bulk import, shared by every capability that declares an import
kind.

A capability's upload view mixes `ImportUploadMixin` in front of its portal and service-form mixins and
`FormView`, names its kind, columns and URL namespace (`<ns>:import-template`, `<ns>:import-preview`), and its
template extends `imports/upload.html`. Its preview view mixes `ImportPreviewMixin` in front of its own object
mixin and `DetailView`, and names its kind, columns and template; the page shows every row with its errors, and
while a large file is read in the background answers htmx's progress poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from core.portal import is_htmx

from .models import ImportBatch
from .selectors import import_preview_context


class ImportUploadMixin:
    """The upload page: the form, the columns, the template's link and the body's recent files of this kind;
    a file read goes on to its preview."""

    #: the batch kind, its columns, and the namespace of the capability's import URLs
    import_kind: str
    columns: Sequence[str]
    url_namespace: str
    recent_batches = 10
    body: Any

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["batches"] = (
            ImportBatch.objects.for_body(self.body)
            .filter(kind=self.import_kind)
            .select_related("created_by")[: self.recent_batches]
        )
        context["columns"] = self.columns
        context["import_template_url"] = reverse(f"{self.url_namespace}:import-template")
        context["import_preview_url_name"] = f"{self.url_namespace}:import-preview"
        return context  # type: ignore[no-any-return]

    def get_success_url(self, result: Any = None) -> str:
        return reverse(f"{self.url_namespace}:import-preview", args=[result.batch.pk])


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
