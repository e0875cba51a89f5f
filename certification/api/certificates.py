"""Certificates API v1: the body's certificates (list with strict filters, detail with every version), the
CertSearch confidentiality switch (body administrators), the programme's dates (list, creating the engagement for
one) and the platform's proposals (list, dismiss). Each view parses its input and calls one service or selector;
another body's record answers 404. Token scope resources: `certificates`, `programme`, `proposals`."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import errors
from core.api.serializers import SectorRefSerializer
from core.api.views import TenantViewSet, transition_action
from core.dates import today_in

from ..models import (
    Certificate,
    CertificateStatus,
    CertificateVersion,
    DueKind,
    DueStatus,
    ProgrammeDue,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from ..selectors.certificates import (
    certificate_detail,
    certificate_filter,
    certificate_list,
    programme_due_filter,
    programme_due_list,
    proposal_list,
)
from ..services.certificates import certificate_set_confidential
from ..services.programme import programme_engagement_create
from ..services.proposals import proposal_dismiss

# --- shapes ------------------------------------------------------------------------------------------------------


class _ClientRef(serializers.Serializer):
    id = serializers.UUIDField()
    legal_name = serializers.CharField()


class CertificateVersionOutput(serializers.ModelSerializer):
    """One version of a certificate as issued, with the decision that made it."""

    decision = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    decision_kind = serializers.CharField(source="decision.kind", read_only=True)

    class Meta:
        model = CertificateVersion
        fields = [
            "version",
            "status",
            "scope",
            "sites",
            "issued_on",
            "expires_on",
            "cycle",
            "decision",
            "decision_kind",
            "created_at",
        ]


class CertificateOutput(serializers.ModelSerializer):
    """A certificate's current state (its latest version); the detail adds every version."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    client = _ClientRef(read_only=True)
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    standard = serializers.SlugRelatedField(read_only=True, slug_field="code")
    sector = SectorRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "body",
            "number",
            "status",
            "client",
            "engagement",
            "standard",
            "sector",
            "scope",
            "initial_certification_on",
            "issued_on",
            "cycle_started_on",
            "expires_on",
            "cycle",
            "version",
            "status_changed_on",
            "suspended_on",
            "gap_from",
            "gap_to",
            "confidential",
        ]


class CertificateDetailOutput(CertificateOutput):
    sites = serializers.SerializerMethodField()
    versions = CertificateVersionOutput(many=True, read_only=True)

    class Meta(CertificateOutput.Meta):
        fields = [*CertificateOutput.Meta.fields, "sites", "versions"]

    def get_sites(self, certificate: Certificate) -> list[dict[str, Any]]:
        return [{"id": str(site.pk), "name": site.name} for site in certificate.sites.all()]


class ConfidentialInput(serializers.Serializer):
    confidential = serializers.BooleanField()


class ProgrammeDueOutput(serializers.ModelSerializer):
    """One programme date: a surveillance to hold by `dueOn` (from `windowFrom`), or the recertification to
    decide by the expiry."""

    certificate = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())

    class Meta:
        model = ProgrammeDue
        fields = [
            "id",
            "certificate",
            "certificate_number",
            "cycle",
            "kind",
            "sequence",
            "window_from",
            "due_on",
            "status",
            "engagement",
        ]


class ProgrammeEngagementInput(serializers.Serializer):
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["planned_end"] < attrs["planned_start"]:
            raise serializers.ValidationError(
                {"planned_end": _("The planned end cannot be before the planned start.")}
            )
        return attrs


class ProposalOutput(serializers.ModelSerializer):
    certificate = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    certificate_number = serializers.CharField(source="certificate.number", read_only=True)
    due = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    closed_by = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())

    class Meta:
        model = Proposal
        fields = [
            "id",
            "certificate",
            "certificate_number",
            "kind",
            "reason",
            "due",
            "status",
            "status_reason",
            "status_changed_at",
            "closed_by",
            "created_at",
        ]


class ProposalDismissInput(serializers.Serializer):
    reason = serializers.CharField()


# --- filters -----------------------------------------------------------------------------------------------------


class CertificateFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CertificateStatus.choices)
    standard = django_filters.CharFilter(field_name="standard_id")
    client = django_filters.UUIDFilter(field_name="client_id")
    expiring_within = django_filters.NumberFilter(
        method="expiring", help_text="days: still valid or suspended and expiring within them"
    )

    class Meta:
        model = Certificate
        fields: list[str] = []

    def expiring(self, queryset: QuerySet[Certificate], name: str, value: Any) -> QuerySet[Certificate]:
        if value is None or value < 0:
            raise serializers.ValidationError({"expiring_within": _("Enter a number of days, 0 or more.")})
        return certificate_filter(queryset, expiring_within=int(value), today=today_in())


class ProgrammeDueFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DueKind.choices)
    status = django_filters.ChoiceFilter(choices=DueStatus.choices)
    certificate = django_filters.UUIDFilter(field_name="certificate_id")
    overdue = django_filters.BooleanFilter(method="only_overdue", help_text="still open after the due date")

    class Meta:
        model = ProgrammeDue
        fields: list[str] = []

    def only_overdue(self, queryset: QuerySet[ProgrammeDue], name: str, value: Any) -> QuerySet[ProgrammeDue]:
        return programme_due_filter(queryset, overdue=True, today=today_in()) if value else queryset


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices)
    certificate = django_filters.UUIDFilter(field_name="certificate_id")

    class Meta:
        model = Proposal
        fields: list[str] = []


# --- views -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List certificates",
        tags=["certificates"],
        description="The certificates of the caller's bodies (a token: its body), by number.",
        responses={200: CertificateOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One certificate, with every version",
        tags=["certificates"],
        responses={200: CertificateDetailOutput, **errors(401, 403, 404)},
    ),
)
class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Certificate.objects.all()
    resource = "certificates"
    resource_label = _("Certificates")
    envelope_key = "certificates"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CertificateFilter

    def get_serializer_class(self) -> Any:
        return CertificateOutput if self.action == "list" else CertificateDetailOutput

    def base_queryset(self) -> QuerySet[Certificate]:
        return certificate_list().select_related("sector") if self.action == "list" else certificate_detail()

    confidential = transition_action(
        certificate_set_confidential,
        input=ConfidentialInput,
        output=CertificateDetailOutput,
        reload=True,
        conflict=False,
        summary="Keep a certificate out of the IAF CertSearch export, or put it back",
        tags=["certificates"],
        description="Needs the body's `manage_certificates` permission (its administrators).",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List programme dates",
        tags=["certificates"],
        description="Surveillances and recertifications of the caller's bodies' certificates, by due date.",
        responses={200: ProgrammeDueOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One programme date",
        tags=["certificates"],
        responses={200: ProgrammeDueOutput, **errors(401, 403, 404)},
    ),
)
class ProgrammeDueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = ProgrammeDue.objects.all()
    serializer_class = ProgrammeDueOutput
    resource = "programme"
    resource_label = _("Certification programme")
    envelope_key = "programme_dates"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProgrammeDueFilter

    def base_queryset(self) -> QuerySet[ProgrammeDue]:
        return programme_due_list()

    @extend_schema(
        summary="Create the engagement for a programme date",
        tags=["certificates"],
        description="Needs the body's `manage_engagements` permission. A surveillance or recertification audit "
        "of the certificate's client, standard, sector, scope and sites on the planned days; the date becomes "
        "planned. Answers the programme date with its engagement.",
        request=ProgrammeEngagementInput,
        responses={201: ProgrammeDueOutput, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="create-engagement")
    def create_engagement(self, request: Request, id: Any = None) -> Response:
        due = self.get_object()
        data = ProgrammeEngagementInput(data=request.data)
        data.is_valid(raise_exception=True)
        programme_engagement_create(due=due, actor=request.user, fields=dict(data.validated_data))  # type: ignore[arg-type]
        return Response(ProgrammeDueOutput(self.get_queryset().get(pk=due.pk)).data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="List proposals",
        tags=["certificates"],
        description="What the platform proposes to the caller's bodies' decision makers (suspensions for missed "
        "surveillances, withdrawals or scope reductions for ageing suspensions), newest first.",
        responses={200: ProposalOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One proposal",
        tags=["certificates"],
        responses={200: ProposalOutput, **errors(401, 403, 404)},
    ),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Proposal.objects.all()
    serializer_class = ProposalOutput
    resource = "proposals"
    resource_label = _("Proposals")
    envelope_key = "proposals"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProposalFilter

    def base_queryset(self) -> QuerySet[Proposal]:
        return proposal_list(status="")

    dismiss = transition_action(
        proposal_dismiss,
        input=ProposalDismissInput,
        output=ProposalOutput,
        reload=True,
        summary="Dismiss a proposal",
        tags=["certificates"],
        description="A decision maker of the body, with a reason; nothing changes on the certificate. To decide "
        "it, record the decision naming the proposal.",
    )
