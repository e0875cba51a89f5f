"""Portal pages of a body's people and their competence: the people list and each person's record, competence
records and their evidence, the competence matrix and its export, the team check, and the bulk import.

Views parse input, call one service or selector, and render. Tenancy is the base classes' (core.portal): every
record is read through the active body, so another body's record answers 404 exactly like a missing one, and
it does so before any permission is checked (a 403 would tell that the record exists).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_countries import countries as countries_registry

from bodies.models import Membership, Role
from core.errors import TransitionNotAllowed, ValidationError
from core.forms import add_service_errors
from core.models import AuditEvent
from core.permissions import has_body_perm
from core.portal import BodyScopedMixin, PortalMixin
from documents.registry import get_kind
from documents.selectors import document_latest_for_subject
from documents.services import document_request

from . import forms as competence_forms
from .checks import team_check_coverage
from .documents import PERSON_RECORD
from .exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from .importing import COLUMNS, competence_import_apply, competence_import_preview, competence_import_review
from .models import (
    Basis,
    CompetenceEvidence,
    CompetenceRecord,
    ImportBatch,
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from .people import person_add, person_update
from .selectors import competence_matrix, matrix_table, person_list
from .services import (
    EVIDENCE_TYPES,
    competence_approve,
    competence_propose,
    competence_renew,
    competence_suspend,
    evidence_add,
    periodic_evaluation_record,
    training_add,
    witnessed_audit_record,
)

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


def expiry_warning_days() -> int:
    """A competence shows "expires in N days" from the first expiry reminder on (60 days by default)."""
    before = [-offset for offset in settings.COMPETENCE_REMINDER_OFFSETS if offset < 0]
    return max(before, default=60)


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


# --- base classes -------------------------------------------------------------------------------------------


class BodyObjectMixin(BodyScopedMixin):
    """A page about one record of the active body, in `self.object`. PortalMixin finds it before it checks
    `required_perm` or the method: another body's record is a 404, never a 403 or 405."""

    def check_object_access(self) -> None:
        self.object = self.get_object()


class MembershipObjectMixin(BodyObjectMixin):
    model = Membership

    def scoped_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("user", "body")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["person"] = self.object
        return context


class SectionMixin:
    """Pages under the section's tabs (people, matrix, team check, import); Import shows to its managers only."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["can_manage_competence_nav"] = has_body_perm(
            self.request.user,  # type: ignore[attr-defined]
            self.body,  # type: ignore[attr-defined]
            "manage_competence",
        )
        return context


def _active_people(body: Any) -> list[Membership]:
    return list(person_list(body=body).filter(status=Membership.Status.ACTIVE))


# --- people -------------------------------------------------------------------------------------------------


class PersonListView(SectionMixin, PortalMixin, ListView):
    """The active body's people, with their roles, employment and whether they signed the undertaking."""

    template_name = "competence/person_list.html"
    context_object_name = "people"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Membership]:
        self.search_form = competence_forms.PersonSearchForm(self.request.GET or None)
        people = person_list(body=self.body)
        if self.search_form.is_valid() and self.search_form.cleaned_data["q"]:
            text = self.search_form.cleaned_data["q"].strip()
            people = people.filter(Q(user__full_name__icontains=text) | Q(user__email__icontains=text))
        return people

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["search_form"] = self.search_form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        context["can_manage_members"] = has_body_perm(self.request.user, self.body, "manage_members")
        return context


class PersonAddView(PortalMixin, FormView):
    required_perm = "manage_members"
    form_class = competence_forms.PersonAddForm
    template_name = "competence/person_add.html"

    def form_valid(self, form: competence_forms.PersonAddForm) -> HttpResponse:
        try:
            membership = person_add(body=self.body, actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "user" in exc.error_dict:
                exc.error_dict["email"] = exc.error_dict.pop("user")
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s is added to the body.") % {"name": membership.user})
        return redirect("competence:person-detail", pk=membership.pk)


class PersonDetailView(MembershipObjectMixin, DetailView):
    """One person in the active body: profile, roles, undertaking, competences, training, witnessing, evaluations.

    Only this body's records of the person show, even when they also work for other bodies.
    """

    template_name = "competence/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership, body, user = self.object, self.body, self.request.user
        today = timezone.localdate()
        records = list(
            CompetenceRecord.objects.for_body(body)
            .filter(membership=membership)
            .select_related("standard", "sector", "evaluated_by")
            .order_by("standard__name", "sector__scheme", "sector__sort_key", "role")
        )
        for record in records:
            record.days_left = (record.valid_until - today).days  # type: ignore[attr-defined]
        profile = membership.user
        context.update(
            {
                "records": records,
                "expiry_warning_days": expiry_warning_days(),
                "training": TrainingEntry.objects.for_body(body)
                .filter(membership=membership)
                .select_related("standard"),
                "witnessed": WitnessedAudit.objects.for_body(body)
                .filter(membership=membership)
                .select_related("witnessed_by", "standard", "sector"),
                "evaluations": PeriodicEvaluation.objects.for_body(body)
                .filter(membership=membership)
                .select_related("evaluated_by"),
                "languages": [LANG_INFO.get(code, {}).get("name", code) for code in profile.languages or []],
                "countries": [countries_registry.name(code) or code for code in profile.countries or []],
                "can_manage_competence": has_body_perm(user, body, "manage_competence"),
                "can_manage_members": has_body_perm(user, body, "manage_members"),
                "can_request_pdf": get_kind(PERSON_RECORD).can_request(user, membership),
                "pdf_document": document_latest_for_subject(kind=PERSON_RECORD, subject=membership),
            }
        )
        return context


class PersonEditView(MembershipObjectMixin, FormView):
    required_perm = "manage_members"
    form_class = competence_forms.PersonEditForm
    template_name = "competence/person_edit.html"

    def get_initial(self) -> dict[str, Any]:
        return competence_forms.PersonEditForm.initial_for(self.object)

    def form_valid(self, form: competence_forms.PersonEditForm) -> HttpResponse:
        try:
            membership = person_update(membership=self.object, actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s's details are saved.") % {"name": membership.user})
        return redirect("competence:person-detail", pk=membership.pk)


class PersonFormView(MembershipObjectMixin, FormView):
    """A form that adds something to one person's record in the active body (manage_competence)."""

    required_perm = "manage_competence"
    template_name = "competence/person_form.html"
    title: Any = ""
    success_message: Any = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        return context

    def save(self, form: Any) -> Any:
        raise NotImplementedError

    def success_url_for(self, saved: Any) -> str:
        return reverse("competence:person-detail", args=[self.object.pk])

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            saved = self.save(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.success_url_for(saved))


class RecordCreateView(PersonFormView):
    form_class = competence_forms.CompetenceRecordForm
    title = gettext_lazy("Add a competence")
    success_message = gettext_lazy(
        "The competence is proposed. It counts once someone else evaluates and approves it."
    )

    def save(self, form: competence_forms.CompetenceRecordForm) -> CompetenceRecord:
        return competence_propose(membership=self.object, actor=self.request.user, **form.cleaned_data)

    def success_url_for(self, saved: CompetenceRecord) -> str:
        return reverse("competence:record-detail", args=[saved.pk])


class TrainingAddView(PersonFormView):
    form_class = competence_forms.TrainingForm
    title = gettext_lazy("Add training or CPD")
    success_message = gettext_lazy("The training is recorded.")

    def save(self, form: competence_forms.TrainingForm) -> TrainingEntry:
        return training_add(membership=self.object, actor=self.request.user, **form.cleaned_data)


class WitnessedAuditAddView(PersonFormView):
    form_class = competence_forms.WitnessedAuditForm
    title = gettext_lazy("Record a witnessed audit")
    success_message = gettext_lazy("The witnessed audit is recorded.")

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["people"] = _active_people(self.body)
        return kwargs

    def save(self, form: competence_forms.WitnessedAuditForm) -> WitnessedAudit:
        return witnessed_audit_record(
            membership=self.object, actor=self.request.user, **form.service_kwargs()
        )


class EvaluationAddView(PersonFormView):
    form_class = competence_forms.EvaluationForm
    title = gettext_lazy("Record a periodic evaluation")
    success_message = gettext_lazy("The evaluation is recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"evaluated_on": timezone.localdate()}

    def save(self, form: competence_forms.EvaluationForm) -> PeriodicEvaluation:
        return periodic_evaluation_record(
            membership=self.object, actor=self.request.user, **form.cleaned_data
        )


class PersonPdfView(MembershipObjectMixin, View):
    """POST: render the person's competence record PDF; answers with the polling status (htmx) or redirects."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = self.object
        if not get_kind(PERSON_RECORD).can_request(request.user, membership):
            raise PermissionDenied
        document = document_request(
            kind=PERSON_RECORD, subject=membership, body=membership.body, actor=request.user
        )
        if _is_partial(request):
            return render(request, "documents/partials/_status.html", {"document": document})
        messages.success(request, _("The competence record PDF is being prepared."))
        return redirect("competence:person-detail", pk=membership.pk)


# --- competence records and evidence ------------------------------------------------------------------------


class RecordDetailView(BodyObjectMixin, DetailView):
    """One competence record: its evaluation and validity, its evidence, its history, and the actions on it."""

    model = CompetenceRecord
    template_name = "competence/record_detail.html"
    context_object_name = "record"
    history_rows = 50

    def scoped_queryset(self) -> QuerySet[CompetenceRecord]:
        return CompetenceRecord.objects.select_related(
            "body", "membership", "person", "standard", "sector", "evaluated_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        record = self.object
        context.setdefault(
            "approve_form",
            competence_forms.RecordApproveForm(
                initial=competence_forms.RecordApproveForm.initial_for(record)
            ),
        )
        context.setdefault(
            "renew_form",
            competence_forms.RecordRenewForm(initial=competence_forms.RecordRenewForm.initial_for(record)),
        )
        context.setdefault("suspend_form", competence_forms.RecordSuspendForm())
        context.setdefault("evidence_form", competence_forms.EvidenceForm())
        context.update(
            {
                "days_left": (record.valid_until - timezone.localdate()).days,
                "basis_labels": [dict(Basis.choices).get(item, item) for item in record.basis],
                "expiry_warning_days": expiry_warning_days(),
                "evidence": CompetenceEvidence.objects.for_body(self.body)
                .filter(record=record)
                .select_related("uploaded_by"),
                "history": AuditEvent.objects.for_body(self.body).filter(
                    object_type=CompetenceRecord._meta.label_lower, object_id=str(record.pk)
                )[: self.history_rows],
                "can_manage": has_body_perm(self.request.user, self.body, "manage_competence"),
                "is_own_record": record.person_id == self.request.user.pk,
            }
        )
        return context


class RecordActionView(RecordDetailView):
    """POST one action on a record; a refused action shows on the record's page with the service's reason."""

    http_method_names = ["post"]
    required_perm = "manage_competence"
    form_class: type[Any]
    form_name = ""

    def act(self, form: Any) -> CompetenceRecord:
        raise NotImplementedError

    def success_message(self, record: CompetenceRecord) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                record = self.act(form)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
                return redirect("competence:record-detail", pk=self.object.pk)
            else:
                messages.success(request, self.success_message(record))
                return redirect("competence:record-detail", pk=record.pk)
        context = self.get_context_data(**{self.form_name: form, "open_action": self.form_name})
        return self.render_to_response(context, status=400)


class RecordApproveView(RecordActionView):
    form_class = competence_forms.RecordApproveForm
    form_name = "approve_form"

    def act(self, form: competence_forms.RecordApproveForm) -> CompetenceRecord:
        return competence_approve(record=self.object, actor=self.request.user, **form.cleaned_data)

    def success_message(self, record: CompetenceRecord) -> str:
        return _("The competence is approved.")


class RecordRenewView(RecordActionView):
    form_class = competence_forms.RecordRenewForm
    form_name = "renew_form"

    def act(self, form: competence_forms.RecordRenewForm) -> CompetenceRecord:
        data = form.cleaned_data
        return competence_renew(
            record=self.object,
            actor=self.request.user,
            evaluated_on=data["evaluated_on"],
            valid_until=data["valid_until"],
            basis=data["basis"] or None,
        )

    def success_message(self, record: CompetenceRecord) -> str:
        return _("The competence is renewed.")


class RecordSuspendView(RecordActionView):
    form_class = competence_forms.RecordSuspendForm
    form_name = "suspend_form"

    def act(self, form: competence_forms.RecordSuspendForm) -> CompetenceRecord:
        return competence_suspend(
            record=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_message(self, record: CompetenceRecord) -> str:
        return _("The competence is suspended.")


class EvidenceAddView(RecordActionView):
    form_class = competence_forms.EvidenceForm
    form_name = "evidence_form"

    def act(self, form: competence_forms.EvidenceForm) -> CompetenceRecord:
        evidence_add(
            record=self.object,
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
        return self.object

    def success_message(self, record: CompetenceRecord) -> str:
        return _("The evidence is added.")


class EvidenceDownloadView(BodyObjectMixin, View):
    """Streams one evidence file of the active body, typed by its content (the upload was checked for it)."""

    model = CompetenceEvidence
    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FileResponse:
        evidence = self.object
        try:
            handle = evidence.file.storage.open(evidence.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        head = handle.read(8)
        handle.seek(0)
        content_type = next(
            (kind for magic, kind in EVIDENCE_TYPES.items() if head.startswith(magic)),
            "application/octet-stream",
        )
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=os.path.basename(evidence.file.name),
            content_type=content_type,
        )
        response["X-Content-SHA256"] = evidence.sha256
        response["Cache-Control"] = "private, no-cache"
        return response


# --- the matrix ---------------------------------------------------------------------------------------------


class MatrixView(SectionMixin, PortalMixin, TemplateView):
    """People × (standard, sector). The filter form swaps the table in place (htmx) and keeps the URL in step."""

    template_name = "competence/matrix.html"
    partial_template_name = "competence/partials/_matrix.html"

    def get_template_names(self) -> list[str]:
        return [self.partial_template_name if _is_partial(self.request) else self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = competence_forms.MatrixFilterForm(self.request.GET or None)
        form.is_valid()
        matrix = competence_matrix(body=self.body, filters=form.filters())
        groups: list[list[Any]] = []
        for standard, _sector in matrix.columns:
            if groups and groups[-1][0].pk == standard.pk:
                groups[-1][1] += 1
            else:
                groups.append([standard, 1])
        context.update(
            {
                "form": form,
                "matrix": matrix,
                "column_groups": groups,
                "expiry_warning_days": expiry_warning_days(),
                "filter_query": self.request.GET.urlencode(),
            }
        )
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


class MatrixExportView(PortalMixin, View):
    """The matrix, with the same filters, as a CSV or XLSX attachment."""

    http_method_names = ["get"]
    formats = ("csv", "xlsx")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export_format = request.GET.get("format", "csv")
        if export_format not in self.formats:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."), content_type="text/plain")
        form = competence_forms.MatrixFilterForm(request.GET)
        form.is_valid()
        header, rows = matrix_table(competence_matrix(body=self.body, filters=form.filters()))
        name = f"competence-matrix-{slugify(str(self.body))}-{timezone.localdate().isoformat()}"
        if export_format == "xlsx":
            response = HttpResponse(
                table_xlsx(header, rows, title=_("Competence matrix"), frozen_columns=1),
                content_type=XLSX_CONTENT_TYPE,
            )
        else:
            response = HttpResponse(table_csv(header, rows), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.{export_format}"'
        response["Cache-Control"] = "private, no-cache"
        return response


# --- team check ---------------------------------------------------------------------------------------------


class TeamCheckView(SectionMixin, PortalMixin, FormView):
    """Would this team cover the engagement? Answered in place (an htmx partial), member by member."""

    form_class = competence_forms.TeamCheckForm
    template_name = "competence/team_check.html"
    partial_template_name = "competence/partials/_team_check.html"

    def get_template_names(self) -> list[str]:
        return [self.partial_template_name if _is_partial(self.request) else self.template_name]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["people"] = _active_people(self.body)
        return kwargs

    def form_valid(self, form: competence_forms.TeamCheckForm) -> HttpResponse:
        try:
            result = team_check_coverage(body=self.body, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        roles = dict(Role.choices)
        members = [
            {"person": member.person, "role": roles.get(member.role, member.role), "result": member_result}
            for member, member_result in result.members
        ]
        member_gaps = {gap for member in members for gap in member["result"].gaps}
        team_gaps = [gap for gap in result.gaps if gap not in member_gaps]
        context = self.get_context_data(form=form, result=result, members=members, team_gaps=team_gaps)
        return self.render_to_response(context)


# --- import -------------------------------------------------------------------------------------------------


class ImportView(SectionMixin, PortalMixin, FormView):
    """Upload a CSV or XLSX of people and competences; nothing is written before the preview is applied."""

    required_perm = "manage_competence"
    form_class = competence_forms.ImportUploadForm
    template_name = "competence/import_upload.html"
    recent_batches = 10

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["batches"] = ImportBatch.objects.for_body(self.body).select_related("created_by")[
            : self.recent_batches
        ]
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
        assert preview.batch is not None
        return redirect("competence:import-preview", pk=preview.batch.pk)


class ImportPreviewView(BodyObjectMixin, DetailView):
    """Every row of an uploaded file with its errors, as it validates now; "Apply" only when all is well."""

    model = ImportBatch
    required_perm = "manage_competence"
    template_name = "competence/import_preview.html"
    context_object_name = "batch"

    def scoped_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.select_related("body", "created_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch = self.object
        context["columns"] = COLUMNS
        if batch.status == ImportBatch.Status.APPLIED:
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
