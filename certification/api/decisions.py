"""Decisions API v1: the body's decisions (list, detail) and recording one (`decision_record`, which holds every
rule: the decision maker active, neither on the team nor the reviewer; the review complete; the kind following the
engagement; the findings' preconditions; then the certificate issued or changed, or the statement issued).
Another body's decision answers 404. Token scope resource: `decisions`."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from core.api.schema import errors
from core.api.serializers import VisibleRelatedField
from core.api.views import TenantViewSet, create_action

from ..models import Certificate, Decision, DecisionKind, Proposal
from ..services.decisions import decision_record

TAGS = ["decisions"]


class DecisionOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    certificate = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    statement = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    proposal = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "body",
            "kind",
            "engagement",
            "certificate",
            "statement",
            "proposal",
            "rationale",
            "scope",
            "decided_on",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_decided_by(self, decision: Decision) -> dict[str, Any]:
        return {"id": str(decision.decided_by.user_id), "name": str(decision.decided_by.user)}


class QuantityInput(serializers.Serializer):
    vintage = serializers.IntegerField(min_value=1900, max_value=2200)
    reductions = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, default=0)
    removals = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0, default=0)


class DecisionInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    rationale = serializers.CharField(allow_blank=True)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    engagement = VisibleRelatedField(
        queryset=apps.get_model("audits", "Engagement").objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        default=None,
    )
    certificate = VisibleRelatedField(
        queryset=Certificate.objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        default=None,
    )
    proposal = VisibleRelatedField(
        queryset=Proposal.objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        default=None,
    )
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    quantities = QuantityInput(many=True, required=False, default=list)


def _record(*, actor: Any, **values: Any) -> Decision:
    return decision_record(actor=actor, **values)


@extend_schema_view(
    list=extend_schema(
        summary="List decisions",
        tags=TAGS,
        description="The decisions of the caller's bodies, newest first.",
        responses={200: DecisionOutput(many=True), **errors(401, 403)},
    ),
    retrieve=extend_schema(
        summary="One decision", tags=TAGS, responses={200: DecisionOutput, **errors(401, 403, 404)}
    ),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Decision.objects.all()
    serializer_class = DecisionOutput
    resource = "decisions"
    resource_label = gettext_lazy("Decisions")
    envelope_key = "decisions"

    def base_queryset(self) -> QuerySet[Decision]:
        return Decision.objects.select_related("decided_by__user").order_by(
            "-decided_on", "-created_at", "id"
        )

    create = create_action(
        _record,
        on="collection",
        input=DecisionInput,
        output=DecisionOutput,
        summary="Record a decision",
        tags=TAGS,
        description="An active decision maker of the body who was neither on the engagement's team nor its reviewer "
        "(403 `decider_not_allowed` / `decider_not_independent`); the engagement awaiting its decision (409 "
        "`review_not_complete`); the kind following the engagement (`decision_not_applicable`); no unverified major "
        "nonconformity (`major_nc_open`), a stage 2's major nonconformities verified within "
        "`STAGE2_MAJOR_NC_LIMIT_MONTHS` (`stage2_too_old`), minor ones with an accepted plan (`minor_nc_no_plan`), "
        "no open CAR or CL for an opinion (`car_cl_open`). A grant issues the certificate, an opinion the statement "
        "(`quantities` per vintage, `statement_quantities_invalid`).",
    )
