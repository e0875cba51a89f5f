"""One competence record: its page, the actions on it (approve, renew, suspend, add evidence), the evidence."""

from __future__ import annotations

import os
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from core.models import AuditEvent
from core.portal import ServiceActionMixin

from .. import forms as competence_forms
from ..models import Basis, CompetenceEvidence, CompetenceRecord
from ..permissions import (
    MANAGE_COMPETENCE,
    can_manage_competence,
    can_view_competence_record,
    can_view_evidence,
)
from ..services import EVIDENCE_TYPES, competence_approve, competence_renew, competence_suspend, evidence_add
from .base import BodyObjectMixin, expiry_warning_days


class RecordDetailView(BodyObjectMixin, DetailView):
    """One competence record: its evaluation and validity, its evidence, its history, and the actions on it."""

    model = CompetenceRecord
    template_name = "competence/record_detail.html"
    context_object_name = "record"
    history_rows = 50

    def scoped_queryset(self) -> QuerySet[CompetenceRecord]:
        return CompetenceRecord.objects.select_related(
            "body", "membership__body", "person", "standard", "sector", "evaluated_by"
        )

    def has_permission(self) -> bool:
        """A record's page is part of the person's history (the body decides whether colleagues read it)."""
        return super().has_permission() and can_view_competence_record(self.request.user, self.object)

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
        sees_evidence = can_view_evidence(self.request.user, record)
        context.update(
            {
                "days_left": (record.valid_until - timezone.localdate()).days,
                "basis_labels": [dict(Basis.choices).get(item, item) for item in record.basis],
                "expiry_warning_days": expiry_warning_days(),
                "can_view_evidence": sees_evidence,
                "evidence": CompetenceEvidence.objects.for_body(self.body)
                .filter(record=record)
                .select_related("uploaded_by")
                if sees_evidence
                else CompetenceEvidence.objects.none(),
                "history": AuditEvent.objects.for_body(self.body).filter(
                    object_type=CompetenceRecord._meta.label_lower, object_id=str(record.pk)
                )[: self.history_rows],
                "can_manage": can_manage_competence(self.request.user, self.body),
                "is_own_record": record.person_id == self.request.user.pk,
            }
        )
        return context


class RecordActionView(ServiceActionMixin, RecordDetailView):
    """POST one action on a record; a refused action shows on the record's page with the service's reason."""

    required_perm = MANAGE_COMPETENCE
    form_name = ""

    def get_success_url(self, result: CompetenceRecord) -> str:
        return reverse("competence:record-detail", args=[result.pk])

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**{self.form_name: form}), status=400)


class RecordApproveView(RecordActionView):
    form_class = competence_forms.RecordApproveForm
    form_name = "approve_form"
    success_message = gettext_lazy("The competence is approved.")

    def act(self, record: CompetenceRecord, form: competence_forms.RecordApproveForm) -> CompetenceRecord:
        return competence_approve(record=record, actor=self.request.user, **form.cleaned_data)


class RecordRenewView(RecordActionView):
    form_class = competence_forms.RecordRenewForm
    form_name = "renew_form"
    success_message = gettext_lazy("The competence is renewed.")

    def act(self, record: CompetenceRecord, form: competence_forms.RecordRenewForm) -> CompetenceRecord:
        data = form.cleaned_data
        return competence_renew(
            record=record,
            actor=self.request.user,
            evaluated_on=data["evaluated_on"],
            valid_until=data["valid_until"],
            basis=data["basis"] or None,
        )


class RecordSuspendView(RecordActionView):
    form_class = competence_forms.RecordSuspendForm
    form_name = "suspend_form"
    success_message = gettext_lazy("The competence is suspended.")

    def act(self, record: CompetenceRecord, form: competence_forms.RecordSuspendForm) -> CompetenceRecord:
        return competence_suspend(record=record, actor=self.request.user, reason=form.cleaned_data["reason"])


class EvidenceAddView(RecordActionView):
    form_class = competence_forms.EvidenceForm
    form_name = "evidence_form"
    success_message = gettext_lazy("The evidence is added.")

    def act(self, record: CompetenceRecord, form: competence_forms.EvidenceForm) -> CompetenceRecord:
        evidence_add(
            record=record,
            actor=self.request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
        return record


class EvidenceDownloadView(BodyObjectMixin, View):
    """Streams one evidence file of the active body, typed by its content (the upload was checked for it)."""

    model = CompetenceEvidence
    http_method_names = ["get"]

    def scoped_queryset(self) -> QuerySet[CompetenceEvidence]:
        return CompetenceEvidence.objects.select_related("record__membership__body")

    def has_permission(self) -> bool:
        return can_view_evidence(self.request.user, self.object.record)

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
