"""Competence records, their approval life cycle and their evidence. Token scope resource: `competence`."""

from __future__ import annotations

import os

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from competence.models import (
    CompetenceEvidence,
    CompetenceRecord,
)
from competence.permissions import competence_records_listed_for, open_body_ids, require_view_evidence
from competence.services import (
    competence_approve,
    competence_propose,
    competence_renew,
    competence_suspend,
    evidence_add,
)
from core.api.schema import errors, nested_list_schema
from core.api.views import (
    NestedViewSetMixin,
    TenantViewSet,
    create_action,
    request_token,
    transition_action,
)

from ..filters import CompetenceRecordFilter
from ..schema import COMPETENCE, EVALUATOR, NESTED_READ, RECORD_WRITE
from ..serializers import (
    CompetenceApproveInput,
    CompetenceRecordCreateInput,
    CompetenceRecordOutput,
    CompetenceRenewInput,
    CompetenceSuspendInput,
    EvidenceInput,
    EvidenceOutput,
)


@extend_schema_view(
    list=extend_schema(
        summary="List competence records",
        tags=COMPETENCE,
        description="The records of the caller's bodies (a token: its body); registry staff see all. A freelance "
        "auditor's records kept by another body are not listed. Newest first (by creation, ties by id). An "
        "ordinary member sees their own records and the approved records of their colleagues, whose basis, "
        "notes, evaluator and status reason are left out (`detailsHidden`), unless the body opened its "
        "people's records to its members (`/bodies/{bodyId}/people-records-policy/`).",
        responses={200: CompetenceRecordOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One competence record",
        tags=COMPETENCE,
        responses={200: CompetenceRecordOutput, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Propose a competence",
        tags=COMPETENCE,
        description=f"{RECORD_WRITE} For a person the caller can see (else the field error `person: Not "
        "found.`). The record counts once someone other than the person approves it.",
        request=CompetenceRecordCreateInput,
        responses={201: CompetenceRecordOutput, **errors(400, 401, 403)},
    ),
)
class CompetenceRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = CompetenceRecord.objects.all()
    serializer_class = CompetenceRecordOutput
    resource = "competence"
    resource_label = _("Competence records")
    envelope_key = "competence_records"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CompetenceRecordFilter

    def base_queryset(self) -> QuerySet[CompetenceRecord]:
        # Newest first by the record's own indexed columns: no join is sorted, a page reads 50 index entries.
        # The reference rows come by prefetch: each table joined in costs PostgreSQL more to plan (six: ~2 ms)
        # than the whole page costs to read.
        return (
            CompetenceRecord.objects.select_related("membership__user", "evaluated_by")
            .prefetch_related("standard", "sector")
            .order_by("-created_at", "-id")
        )

    def get_queryset(self) -> QuerySet[CompetenceRecord]:
        records = super().get_queryset()
        if request_token(self.request) is not None:
            return records  # a token acts for its body as a whole
        return records.filter(competence_records_listed_for(self.request.user))

    def get_serializer_context(self) -> dict[str, object]:
        """The bodies whose records the caller reads in full (None: all), read once for the whole page."""
        context = super().get_serializer_context()
        bodies = None if request_token(self.request) is not None else open_body_ids(self.request.user)
        context["full_record_bodies"] = None if bodies is None else set(bodies.values_list("pk", flat=True))  # type: ignore[union-attr]
        return context

    def create(self, request: Request) -> Response:
        data = CompetenceRecordCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        record = competence_propose(membership=fields.pop("person"), actor=request.user, **fields)
        return Response(CompetenceRecordOutput(record).data, status=status.HTTP_201_CREATED)

    approve = transition_action(
        competence_approve,
        input=CompetenceApproveInput,
        output=CompetenceRecordOutput,
        reload=True,
        summary="Approve a proposed competence",
        tags=COMPETENCE,
        description=f"{RECORD_WRITE} {EVALUATOR} Only a proposed record can be approved (else 409).",
    )
    renew = transition_action(
        competence_renew,
        input=CompetenceRenewInput,
        output=CompetenceRecordOutput,
        reload=True,
        summary="Renew a competence after a new evaluation",
        tags=COMPETENCE,
        description=f"{RECORD_WRITE} {EVALUATOR} An approved or suspended record (else 409); a suspended one "
        "is reinstated.",
    )
    suspend = transition_action(
        competence_suspend,
        input=CompetenceSuspendInput,
        output=CompetenceRecordOutput,
        reload=True,
        summary="Suspend an approved competence",
        tags=COMPETENCE,
        description=f"{RECORD_WRITE} With a reason. Only an approved record (else 409).",
    )


@nested_list_schema("The evidence behind a competence record", tags=COMPETENCE, description=NESTED_READ)
class CompetenceEvidenceViewSet(NestedViewSetMixin, viewsets.GenericViewSet):
    queryset = CompetenceEvidence.objects.all()
    serializer_class = EvidenceOutput
    resource = "competence"
    envelope_key = "evidence"
    parent_model = CompetenceRecord
    parent_url_kwarg = "record_id"
    parent_field = "record"
    parent_related = ("membership", "body")

    def check_parent_read(self, parent: CompetenceRecord) -> None:
        require_view_evidence(self.request.user, parent)

    def base_queryset(self) -> QuerySet[CompetenceEvidence]:
        return CompetenceEvidence.objects.select_related("uploaded_by").order_by("-uploaded_at", "pk")

    create = create_action(
        evidence_add,
        input=EvidenceInput,
        output=EvidenceOutput,
        summary="Add evidence to a competence record",
        tags=COMPETENCE,
        description=f"{RECORD_WRITE} A PDF, PNG or JPEG (checked by its content) within the upload limit.",
        request={"multipart/form-data": EvidenceInput},
    )

    @extend_schema(
        summary="Download one evidence file",
        tags=COMPETENCE,
        description=f"{NESTED_READ} The file as uploaded; its SHA-256 is in the `X-Content-SHA256` header.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 403, 404)},
    )
    def download(self, request: Request, record_id: str, id: str) -> FileResponse:
        evidence = self.get_object()
        try:
            handle = evidence.file.storage.open(evidence.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=os.path.basename(evidence.file.name),
            content_type="application/octet-stream",
        )
        response["X-Content-SHA256"] = evidence.sha256
        response["Cache-Control"] = "private, no-cache"
        return response
