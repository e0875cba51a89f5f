"""Document kinds of the competence capability: a person's competence record for an assessor."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Membership
from core.permissions import is_signed_in
from documents.models import Document
from documents.registry import DocumentKind, register

from .models import CompetenceRecord, PeriodicEvaluation, TrainingEntry, WitnessedAudit
from .permissions import can_view_person_history, person_records_readable_by

PERSON_RECORD = "competence.person_record"


def person_record_context(document: Document) -> dict[str, Any]:
    """Everything an accreditation body's assessor asks for about one person in one body."""
    membership = Membership.objects.select_related("user", "body").get(pk=document.subject_id)
    records = (
        CompetenceRecord.objects.filter(membership=membership)
        .select_related("standard", "sector", "evaluated_by")
        .prefetch_related("evidence")
        .order_by("standard__name", "sector__scheme", "sector__sort_key", "role")
    )
    return {
        "membership": membership,
        "person": membership.user,
        "records": list(records),
        "training": list(TrainingEntry.objects.filter(membership=membership).select_related("standard")),
        "witnessed": list(
            WitnessedAudit.objects.filter(membership=membership).select_related(
                "witnessed_by", "standard", "sector"
            )
        ),
        "evaluations": list(
            PeriodicEvaluation.objects.filter(membership=membership).select_related("evaluated_by")
        ),
    }


def person_record_readable_by(user: Any) -> Q:
    """The same rule as `can_view_person_history`, as a filter on documents: the body's competence managers
    (registry staff: every row), its active members where the body opened its people's records to them, and
    the person themselves while their membership is active."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    own = (
        Membership.objects.filter(user=user, status=Membership.Status.ACTIVE)
        .annotate(subject=Cast("id", CharField()))
        .values("subject")
    )
    return person_records_readable_by(user, body_field="body_id", own=Q(subject_id__in=own))


def person_record_filename(document: Document) -> str:
    membership = Membership.objects.select_related("user").get(pk=document.subject_id)
    return f"competence-record-{slugify(membership.user.full_name or membership.user.email)}-{document.number}.pdf"


register(
    DocumentKind(
        code=PERSON_RECORD,
        label=_("Competence record"),
        template_name="pdf/competence/person_record.html",
        subject_model="bodies.Membership",
        body_of=lambda membership: membership.body,
        context=person_record_context,
        can_request=can_view_person_history,
        readable_by=person_record_readable_by,
        filename=person_record_filename,
        public=False,
    )
)
