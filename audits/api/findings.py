"""Findings API v1: an engagement's findings (list with strict filters, detail, raise, change), their evidence
files (upload, download), the client's responses (the team reads every version) and one action per step of the
life cycle (accept, reject, verify, close), plus carrying earlier findings forward.

Each view parses its input and calls one service or selector; the rules are the services'. Who reads a finding:
the engagement's readers (the body's readers of every engagement, the people granted it) and its team
(`audits.selectors.findings.findings_visible_to`); another body's finding, or one of an engagement the caller
does not read, answers 404. The client answers in the client view, not here. Token scope resource: `findings`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bodies.models.tenants import Body
from core.api.schema import errors
from core.api.serializers import ServiceFieldsInput, VisibleRelatedField
from core.api.views import NestedViewSetMixin, TenantViewSet, create_action, request_token, transition_action
from core.dates import today_in
from core.uploads import upload_clean

from ..models import Engagement, Finding, FindingEvidence, FindingKind, FindingResponse, FindingStatus
from ..selectors.findings import finding_detail, findings_visible_to
from ..services import (
    FINDING_EVIDENCE_UPLOAD,
    finding_close,
    finding_evidence_add,
    finding_raise,
    finding_response_accept,
    finding_response_reject,
    finding_update,
    finding_verify,
    findings_carry_forward,
)
from ..views.client_view import evidence_file_response

TAGS = ["findings"]
RESOURCE = "findings"
TEAM = "Only a member of the engagement's team (`not_on_team` otherwise)."


# --- filters ---------------------------------------------------------------------------------------------------


class FindingFilter(django_filters.FilterSet):
    engagement = django_filters.UUIDFilter(field_name="engagement_id")
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices)
    kind = django_filters.ChoiceFilter(choices=FindingKind.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text="true: open findings whose response date has passed (in the body's day)",
    )

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Finding], name: str, value: bool) -> QuerySet[Finding]:
        zones = set(
            Body.objects.filter(pk__in=queryset.values("body_id")).values_list("time_zone", flat=True)
        )
        condition = Q(pk__in=[])
        for zone in zones:
            condition |= Q(body__time_zone=zone, due_on__lt=today_in(zone))
        condition &= Q(status=FindingStatus.OPEN)
        return queryset.filter(condition) if value else queryset.exclude(condition)


# --- serializers -----------------------------------------------------------------------------------------------


class FindingEvidenceOutput(serializers.ModelSerializer):
    """A file of evidence: the team's (`response` empty) or the client's with a response."""

    response = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())

    class Meta:
        model = FindingEvidence
        fields = ["id", "filename", "size", "sha256", "description", "response", "created_at"]
        read_only_fields = fields


class FindingOutput(serializers.ModelSerializer):
    """A finding as the team reads it (the internal note included: this API is the body's, never the client's)."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    carried_from = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    verified_by = serializers.PrimaryKeyRelatedField(read_only=True)
    raised_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "body",
            "engagement",
            "number",
            "kind",
            "clause",
            "statement",
            "evidence",
            "internal_note",
            "due_on",
            "status",
            "status_reason",
            "rounds",
            "verification_note",
            "verified_by",
            "verified_at",
            "carried_from",
            "raised_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FindingDetailOutput(FindingOutput):
    files = serializers.SerializerMethodField()

    class Meta(FindingOutput.Meta):
        fields = [*FindingOutput.Meta.fields, "files"]
        read_only_fields = fields

    @extend_schema_field(FindingEvidenceOutput(many=True))
    def get_files(self, finding: Finding) -> list[dict[str, Any]]:
        return FindingEvidenceOutput(finding.files.all(), many=True).data  # type: ignore[return-value]


class ResponseOutput(serializers.ModelSerializer):
    """One version of the client's response and how the team judged it."""

    finding = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    submitted_by = serializers.PrimaryKeyRelatedField(read_only=True)
    judged_by = serializers.PrimaryKeyRelatedField(read_only=True)
    files = FindingEvidenceOutput(many=True, read_only=True)

    class Meta:
        model = FindingResponse
        fields = [
            "id",
            "finding",
            "version",
            "root_cause",
            "correction",
            "corrective_action",
            "submitted_by",
            "outcome",
            "judged_by",
            "judged_at",
            "comment",
            "files",
            "created_at",
        ]
        read_only_fields = fields


class FindingUpdateInput(ServiceFieldsInput):
    """The auditor's text (only while the finding is open) and the team's internal note."""

    kind = serializers.ChoiceField(choices=FindingKind.choices, help_text="in the engagement's vocabulary")
    clause = serializers.CharField(max_length=120)
    statement = serializers.CharField()
    evidence = serializers.CharField()
    internal_note = serializers.CharField(required=False, allow_blank=True)


class FindingPatchInput(FindingUpdateInput):
    due_on = serializers.DateField(allow_null=True)


class FindingCreateInput(FindingUpdateInput):
    own_arguments = ("engagement",)

    engagement = VisibleRelatedField(queryset=Engagement.objects.all(), pk_field=serializers.UUIDField())


class JudgeInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="to the client")


class RejectInput(serializers.Serializer):
    comment = serializers.CharField(allow_blank=True, help_text="why, for the client (required)")


class VerifyInput(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text="how the effectiveness was verified (required)")


class FindingEvidenceInput(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, PNG, JPEG or XLSX, judged by its content")
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    def validate_file(self, upload: Any) -> Any:
        upload_clean(upload, FINDING_EVIDENCE_UPLOAD, field="file")
        return upload


class CarryForwardInput(serializers.Serializer):
    engagement = VisibleRelatedField(queryset=Engagement.objects.all(), pk_field=serializers.UUIDField())


class CarriedOutput(serializers.Serializer):
    findings = FindingOutput(many=True, read_only=True)


def _evidence_add(*, finding: Finding, actor: Any, file: Any, description: str) -> Finding:
    finding_evidence_add(finding=finding, actor=actor, upload=file, description=description)
    return finding


# --- viewsets --------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List findings",
        tags=TAGS,
        description="The findings of the engagements the caller reads (the body's readers of every engagement, "
        "the people granted one, its team), by engagement and number.",
        responses={200: FindingOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One finding, with its evidence files",
        tags=TAGS,
        responses={200: FindingDetailOutput, **errors(401, 403, 404)},
    ),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Finding.objects.all()
    serializer_class = FindingOutput
    resource = RESOURCE
    resource_label = _("Findings and corrective actions")
    envelope_key = "findings"
    filter_backends = [DjangoFilterBackend]
    filterset_class = FindingFilter

    def get_serializer_class(self) -> Any:
        return FindingDetailOutput if self.action == "retrieve" else FindingOutput

    def base_queryset(self) -> QuerySet[Finding]:
        return Finding.objects.all()

    def get_queryset(self) -> QuerySet[Finding]:
        rows = findings_visible_to(self.request.user, request_token(self.request))
        if self.action == "retrieve":
            return finding_detail(rows).prefetch_related("files")
        return rows.order_by("engagement_id", "number")

    create = create_action(
        finding_raise,
        on="collection",
        input=FindingCreateInput,
        output=FindingOutput,
        summary="Raise a finding",
        tags=TAGS,
        description=f"{TEAM} While the engagement is in progress or its report drafted "
        "(`engagement_not_in_fieldwork`); the kind in the engagement's vocabulary "
        "(`finding_kind_not_for_engagement`); numbered in sequence; a kind needing a response is due "
        "`FINDING_RESPONSE_DAYS` after the audit's last day.",
    )
    partial_update = transition_action(
        finding_update,
        route=False,
        input=FindingPatchInput,
        partial=True,
        output=FindingOutput,
        summary="Change a finding",
        tags=TAGS,
        description=f"{TEAM} The auditor's text only while the finding is open (409 `finding_not_open`); the "
        "internal note until it is closed.",
    )
    accept = transition_action(
        finding_response_accept,
        input=JudgeInput,
        output=FindingOutput,
        summary="Accept the client's latest response",
        tags=TAGS,
        description=TEAM,
    )
    reject = transition_action(
        finding_response_reject,
        input=RejectInput,
        output=FindingOutput,
        summary="Reject the client's latest response",
        tags=TAGS,
        description=f"{TEAM} With a comment for the client (`comment_required`); counts a round; open again.",
    )
    verify = transition_action(
        finding_verify,
        input=VerifyInput,
        output=FindingOutput,
        summary="Record the verification of effectiveness",
        tags=TAGS,
        description=f"{TEAM} Of an accepted response, with a note (`verification_note_required`).",
    )
    close = transition_action(
        finding_close,
        output=FindingOutput,
        summary="Close a finding",
        tags=TAGS,
        description=f"{TEAM} An observation or a FAR from open; any other kind once verified "
        "(409 `finding_not_verified`).",
    )
    evidence = transition_action(
        _evidence_add,
        input=FindingEvidenceInput,
        output=FindingDetailOutput,
        reload=True,
        conflict=True,
        summary="Add a file of objective evidence",
        tags=TAGS,
        description=f"{TEAM} Multipart; the file is judged by its content.",
    )

    @extend_schema(
        summary="Carry earlier findings into an engagement",
        tags=TAGS,
        request=CarryForwardInput,
        responses={200: CarriedOutput, **errors(400, 401, 403, 409)},
        description="The team or a planner (`manage_engagements`), from the engagement's draft until its report "
        "goes to review (409 `engagement_not_in_fieldwork` otherwise): the open FARs of the previous verification "
        "of the same project, or the accepted minor nonconformities of the client's previous audit, each once "
        "(`carriedFrom`); asked again, nothing more.",
    )
    @action(detail=False, methods=["post"], url_path="carry-forward", url_name="carry-forward")
    def carry_forward(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CarryForwardInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        carried = findings_carry_forward(engagement=data.validated_data["engagement"], actor=request.user)
        return Response(CarriedOutput({"findings": carried}).data)

    @extend_schema(
        summary="Download an evidence file",
        tags=TAGS,
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>[0-9a-f-]{36})", url_name="file")
    def file(self, request: Request, *args: Any, file_id: str, **kwargs: Any) -> FileResponse:
        finding = self.get_object()
        evidence = finding.files.filter(pk=file_id).first()
        if evidence is None:
            raise Http404
        return evidence_file_response(evidence)


@extend_schema_view(
    list=extend_schema(
        summary="List the client's responses to a finding",
        tags=TAGS,
        description="Every version, latest first, with the team's judgement and the client's files.",
        responses={200: ResponseOutput(many=True), **errors(401, 403, 404)},
    ),
)
class FindingResponseViewSet(NestedViewSetMixin, mixins.ListModelMixin, TenantViewSet):
    queryset = FindingResponse.objects.all()
    serializer_class = ResponseOutput
    resource = RESOURCE
    envelope_key = "responses"
    parent_model = Finding
    parent_url_kwarg = "finding_id"
    parent_field = "finding"

    @property
    def parent(self) -> Finding:  # type: ignore[override]
        if "_parent" not in self.__dict__:
            rows = findings_visible_to(self.request.user, request_token(self.request))
            found = rows.filter(pk=self.kwargs[self.parent_url_kwarg]).first()
            if found is None:
                raise Http404
            self.__dict__["_parent"] = found
        return self.__dict__["_parent"]  # type: ignore[no-any-return]

    def readable_parent(self) -> Finding:
        return self.parent

    def base_queryset(self) -> QuerySet[FindingResponse]:
        return FindingResponse.objects.prefetch_related("files").order_by("-version")
