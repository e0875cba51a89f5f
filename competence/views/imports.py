"""Bulk import of people and competences: upload, preview with every row's errors, apply all or nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView

from core.errors import TransitionNotAllowed, ValidationError
from core.forms import add_service_errors
from core.portal import PortalMixin
from imports.models import ImportBatch

from .. import forms as competence_forms
from ..exports import CSV_CONTENT_TYPE, table_csv
from ..importing import (
    COLUMNS,
    COMPETENCE_IMPORT,
    competence_import_apply,
    competence_import_preview,
    competence_import_review,
)
from .base import BodyObjectMixin, SectionMixin

#: rows of an import file shown on its preview page (every row with an error is always shown)
PREVIEW_ROWS = 500
IMPORT_TEMPLATE_EXAMPLE = [
    "jane.doe@example.org",
    "Jane Doe",
    "external_auditor",
    "lead_auditor;auditor",
    "2026-01-15",
    "iso-14064-3",
    "ghg",
    "1",
    "lead_auditor",
    "training;audits_performed",
    "",
    "",
    "2028-12-31",
]


class ImportView(SectionMixin, PortalMixin, FormView):
    """Upload a CSV or XLSX of people and competences; nothing is written before the preview is applied."""

    required_perm = "manage_competence"
    form_class = competence_forms.ImportUploadForm
    template_name = "competence/import_upload.html"
    recent_batches = 10

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["batches"] = (
            ImportBatch.objects.for_body(self.body)
            .filter(kind=COMPETENCE_IMPORT)
            .select_related("created_by")[: self.recent_batches]
        )
        context["columns"] = COLUMNS
        return context

    def form_valid(self, form: competence_forms.ImportUploadForm) -> HttpResponse:
        try:
            preview = competence_import_preview(
                body=self.body, actor=self.request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return redirect("competence:import-preview", pk=preview.batch.pk)  # type: ignore[union-attr]


class ImportPreviewView(BodyObjectMixin, DetailView):
    """Every row of an uploaded file with its errors, as it was read; "Apply" only when all is well (applying
    checks again). While a large file is read in the background the page shows its progress, polled by htmx."""

    model = ImportBatch
    required_perm = "manage_competence"
    template_name = "competence/import_preview.html"
    context_object_name = "batch"

    def scoped_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.filter(kind=COMPETENCE_IMPORT).select_related("body", "created_by")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "htmx", False):  # the progress poll
            if self.object.status == ImportBatch.Status.PARSING:
                return render(request, "imports/partials/_progress.html", {"batch": self.object})
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"  # read: show the whole preview
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch = self.object
        context["columns"] = COLUMNS
        if batch.status in (ImportBatch.Status.APPLIED, ImportBatch.Status.PARSING):
            return context
        preview = competence_import_review(batch=batch)
        shown, ok_shown = [], 0
        for row in preview.rows:
            if not row.ok or ok_shown < PREVIEW_ROWS:
                ok_shown += row.ok
                shown.append(
                    {
                        "line": row.line,
                        "ok": row.ok,
                        "cells": [(name, row.values.get(name, ""), row.errors.get(name)) for name in COLUMNS],
                        "other_errors": [msg for name, msg in row.errors.items() if name not in COLUMNS],
                    }
                )
        context.update(
            {
                "preview": preview,
                "rows": shown,
                "hidden_rows": len(preview.rows) - len(shown),
                "rows_with_errors": sum(1 for row in preview.rows if not row.ok),
                "error_rows": [
                    {"line": row.line, "errors": list(row.errors.items())}
                    for row in preview.rows
                    if not row.ok
                ],
                "can_apply": batch.status == ImportBatch.Status.PREVIEWED and preview.valid,
            }
        )
        return context


class ImportApplyView(BodyObjectMixin, View):
    """POST: writes every row of a valid preview in one transaction, or nothing."""

    model = ImportBatch
    required_perm = "manage_competence"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        batch = self.object
        try:
            preview = competence_import_apply(batch=batch, actor=request.user)
        except (ValidationError, TransitionNotAllowed) as exc:
            message = exc.message if isinstance(exc, TransitionNotAllowed) else " ".join(exc.messages)
            messages.error(request, message)
            return redirect("competence:import-preview", pk=batch.pk)
        people = len({row.parsed["email"] for row in preview.rows})
        competences = sum(1 for row in preview.rows if row.parsed.get("competence"))
        messages.success(
            request,
            ngettext(
                "The file is imported: %(rows)s row, %(people)s person, %(competences)s competence record.",
                "The file is imported: %(rows)s rows, %(people)s people, %(competences)s competence records.",
                len(preview.rows),
            )
            % {"rows": len(preview.rows), "people": people, "competences": competences},
        )
        return redirect("competence:import-preview", pk=batch.pk)


class ImportTemplateView(PortalMixin, View):
    """A CSV with the import's header row and one example line."""

    required_perm = "manage_competence"
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(table_csv(COLUMNS, [IMPORT_TEMPLATE_EXAMPLE]), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="competence-import-template.csv"'
        return response
