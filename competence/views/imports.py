"""Bulk import of people and competences: upload, preview with every row's errors, apply all or nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView

from core.portal import PortalMixin, ServiceActionMixin, ServiceFormMixin
from imports.models import ImportBatch
from imports.views import ImportPreviewMixin, ImportUploadMixin

from .. import forms as competence_forms
from ..exports import CSV_CONTENT_TYPE, table_csv
from ..importing import (
    COLUMNS,
    COMPETENCE_IMPORT,
    ImportPreview,
    competence_import_apply,
    competence_import_preview,
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


class ImportView(ImportUploadMixin, SectionMixin, PortalMixin, ServiceFormMixin, FormView):
    """Upload a CSV or XLSX of people and competences; nothing is written before the preview is applied."""

    required_perm = "manage_competence"
    form_class = competence_forms.ImportUploadForm
    template_name = "competence/import_upload.html"
    import_kind = COMPETENCE_IMPORT
    columns = COLUMNS
    url_namespace = "competence"

    def perform(self, form: competence_forms.ImportUploadForm) -> ImportPreview:
        return competence_import_preview(
            body=self.body, actor=self.request.user, upload=form.cleaned_data["file"]
        )


class ImportPreviewView(ImportPreviewMixin, BodyObjectMixin, DetailView):
    """Every row of an uploaded file with its errors; "Apply" only when all is well (applying checks again)."""

    required_perm = "manage_competence"
    template_name = "competence/import_preview.html"
    import_kind = COMPETENCE_IMPORT
    columns = COLUMNS
    preview_rows = PREVIEW_ROWS


class ImportApplyView(ServiceActionMixin, BodyObjectMixin, View):
    """POST: writes every row of a valid preview in one transaction, or nothing."""

    model = ImportBatch
    required_perm = "manage_competence"

    def scoped_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.filter(kind=COMPETENCE_IMPORT).select_related("body")

    def act(self, record: ImportBatch, form: Any) -> ImportPreview:
        return competence_import_apply(batch=record, actor=self.request.user)

    def get_success_message(self, result: ImportPreview) -> str:
        rows = len(result.rows)
        people = len({row.parsed["email"] for row in result.rows})
        competences = sum(1 for row in result.rows if row.parsed.get("competence"))
        return ngettext(
            "The file is imported: %(rows)s row, %(people)s person, %(competences)s competence record.",
            "The file is imported: %(rows)s rows, %(people)s people, %(competences)s competence records.",
            rows,
        ) % {"rows": rows, "people": people, "competences": competences}

    def get_success_url(self, result: ImportPreview | ImportBatch) -> str:
        batch = result.batch if isinstance(result, ImportPreview) else result
        return reverse("competence:import-preview", args=[batch.pk])  # type: ignore[union-attr]


class ImportTemplateView(PortalMixin, View):
    """A CSV with the import's header row and one example line."""

    required_perm = "manage_competence"
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = HttpResponse(table_csv(COLUMNS, [IMPORT_TEMPLATE_EXAMPLE]), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="competence-import-template.csv"'
        return response
