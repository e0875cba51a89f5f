"""Engagements API v1: engagements (list, one, create, change), the team nested under each (list, add, remove),
the candidates for a role with the reasons each cannot be assigned, the audit time entered by hand, and one POST
per transition.

Each view parses its input, calls one service or selector and serializes the result; the rules are the
services'. Tenancy comes from `TenantViewSet` and the engagements' per-object grants: another body's engagement,
or one the caller is not on without `view_all_engagements`, answers 404. Token scope resource: `engagements`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from audits.models import AssuranceLevel, AuditMode, Engagement, EngagementKind, EngagementStatus, TeamMember
from audits.models.engagements import TEAM_ROLES
from audits.permissions import require_manage_engagements
from audits.selectors import engagement_detail, engagement_filter, engagement_list, team_list
from audits.services import (
    engagement_cancel,
    engagement_confirm_team,
    engagement_create,
    engagement_draft_report,
    engagement_plan,
    engagement_propose_team,
    engagement_reopen_team,
    engagement_send_to_review,
    engagement_set_audit_time,
    engagement_start,
    engagement_update,
    team_candidates,
    team_member_add,
    team_member_remove,
)
from bodies.models.tenants import Body, Membership
from clients.selectors import client_list, project_list, site_list
from core.api.schema import errors, nested_list_schema
from core.api.serializers import (
    CodeRefField,
    SectorField,
    SectorRefSerializer,
    ServiceFieldsInput,
    UserRefSerializer,
    VisibleRelatedField,
)
from core.api.views import NestedViewSetMixin, TenantViewSet, create_action, transition_action
from core.errors import ValidationError
from reference.models import Activity, Standard

TAGS = ["engagements"]
WRITE = "Needs the body's `manage_engagements` permission (its administrators)."

# --- shapes ---------------------------------------------------------------------------------------------------


class _PartyRef(serializers.Serializer):
    id = serializers.UUIDField()
    legal_name = serializers.CharField()


class _ProjectRef(serializers.Serializer):
    id = serializers.UUIDField()
    registry_number = serializers.CharField()
    name = serializers.CharField()


class EngagementTeamMemberOutput(serializers.ModelSerializer):
    """A person on the team, in one role, with the per-engagement declaration that cleared them (once the team
    is confirmed)."""

    person = serializers.SerializerMethodField()
    membership = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    declaration = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())

    class Meta:
        model = TeamMember
        fields = ["id", "membership", "person", "role", "declaration", "created_at"]
        read_only_fields = fields

    @extend_schema_field(UserRefSerializer)
    def get_person(self, member: TeamMember) -> dict[str, Any]:
        return {"id": member.membership.user_id, "full_name": member.membership.user.full_name}


class EngagementOutput(serializers.ModelSerializer):
    """An engagement as the body's people see it."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    client = _PartyRef(read_only=True)
    project = _ProjectRef(read_only=True, allow_null=True)
    activity = serializers.SlugRelatedField(read_only=True, slug_field="code")
    standard = serializers.SlugRelatedField(read_only=True, slug_field="code")
    sector = SectorRefSerializer(read_only=True)
    sites = serializers.PrimaryKeyRelatedField(read_only=True, many=True, pk_field=serializers.UUIDField())
    previous_stage = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    reviewer = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    audit_days = serializers.DecimalField(
        max_digits=6, decimal_places=1, read_only=True, coerce_to_string=False
    )
    materiality_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, coerce_to_string=False
    )
    team = EngagementTeamMemberOutput(many=True, read_only=True, source="team_members")

    class Meta:
        model = Engagement
        fields = [
            "id",
            "body",
            "reference",
            "kind",
            "status",
            "status_reason",
            "status_changed_at",
            "client",
            "project",
            "activity",
            "standard",
            "criteria",
            "sector",
            "scope",
            "sites",
            "previous_stage",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "mode",
            "audit_days",
            "audit_time",
            "audit_time_justification",
            "level_of_assurance",
            "materiality_percent",
            "monitoring_period_start",
            "monitoring_period_end",
            "reviewer",
            "same_body_validated",
            "internal_notes",
            "team",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EngagementUpdateInput(ServiceFieldsInput):
    """What a planner may change (PATCH: any subset). The services check the kind's rules, eligibility and,
    once the team is confirmed, every member's gates on moved dates."""

    criteria = serializers.CharField(required=False, allow_blank=True)
    scope = serializers.CharField(required=False)
    sites = VisibleRelatedField(
        queryset=site_list(), many=True, required=False, pk_field=serializers.UUIDField()
    )
    planned_start = serializers.DateField(required=False)
    planned_end = serializers.DateField(required=False)
    actual_start = serializers.DateField(required=False, allow_null=True)
    actual_end = serializers.DateField(required=False, allow_null=True)
    mode = serializers.ChoiceField(choices=AuditMode.choices, required=False)
    level_of_assurance = serializers.ChoiceField(
        choices=AssuranceLevel.choices, required=False, allow_blank=True
    )
    materiality_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    monitoring_period_start = serializers.DateField(required=False, allow_null=True)
    monitoring_period_end = serializers.DateField(required=False, allow_null=True)
    internal_notes = serializers.CharField(required=False, allow_blank=True)


class EngagementCreateInput(ServiceFieldsInput):
    """A new engagement (a draft). The kind decides what applies: a validation or verification names its
    project (the client is its proponent); a verification its level of assurance, materiality (default 5 %) and
    monitoring period; a stage 2 the stage 1 it follows."""

    own_arguments = ("body",)

    body = VisibleRelatedField(
        queryset=Body.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the body performing it; a body's token may leave it out",
    )
    kind = serializers.ChoiceField(choices=EngagementKind.choices)
    client = VisibleRelatedField(queryset=client_list(), pk_field=serializers.UUIDField())
    project = VisibleRelatedField(
        queryset=project_list(), pk_field=serializers.UUIDField(), required=False, allow_null=True
    )
    activity = CodeRefField(
        queryset=Activity.objects.all(), help_text="activity code as in /reference/activities/"
    )
    standard = CodeRefField(
        queryset=Standard.objects.all(), help_text="standard code as in /reference/standards/"
    )
    criteria = serializers.CharField(required=False, allow_blank=True)
    sector = SectorField(help_text='{"scheme", "code"} as in /reference/sectors/')
    scope = serializers.CharField()
    sites = VisibleRelatedField(
        queryset=site_list(), many=True, required=False, pk_field=serializers.UUIDField()
    )
    previous_stage = VisibleRelatedField(
        queryset=Engagement.objects.all(), pk_field=serializers.UUIDField(), required=False, allow_null=True
    )
    planned_start = serializers.DateField()
    planned_end = serializers.DateField()
    mode = serializers.ChoiceField(choices=AuditMode.choices, required=False)
    level_of_assurance = serializers.ChoiceField(
        choices=AssuranceLevel.choices, required=False, allow_blank=True
    )
    materiality_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    monitoring_period_start = serializers.DateField(required=False, allow_null=True)
    monitoring_period_end = serializers.DateField(required=False, allow_null=True)
    internal_notes = serializers.CharField(required=False, allow_blank=True)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class ReviewerInput(serializers.Serializer):
    reviewer = VisibleRelatedField(
        queryset=Membership.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the membership of an independent reviewer of the body, not on the team",
    )


class AuditTimeInput(serializers.Serializer):
    days = serializers.DecimalField(max_digits=6, decimal_places=1, help_text="person-days, in half days")
    justification = serializers.CharField(help_text="how the audit time was reached")


class EngagementTeamMemberInput(serializers.Serializer):
    membership = VisibleRelatedField(
        queryset=Membership.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="a membership of the body",
    )
    role = serializers.ChoiceField(choices=TEAM_ROLES)


class CandidateOutput(serializers.Serializer):
    membership = serializers.UUIDField(source="membership.pk")
    person = UserRefSerializer(source="membership.user")
    blocked = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class CandidatesOutput(serializers.Serializer):
    candidates = CandidateOutput(many=True)


# --- filters --------------------------------------------------------------------------------------------------


class EngagementFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    kind = django_filters.ChoiceFilter(choices=EngagementKind.choices)
    status = django_filters.ChoiceFilter(choices=EngagementStatus.choices)
    client = django_filters.UUIDFilter(field_name="client_id")
    project = django_filters.UUIDFilter(field_name="project_id")
    person = django_filters.UUIDFilter(
        method="on_team", help_text="a person's user id: the engagements they are on"
    )
    starts_after = django_filters.DateFilter(field_name="planned_start", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="planned_start", lookup_expr="lte")

    class Meta:
        model = Engagement
        fields: list[str] = []

    def on_team(self, queryset: QuerySet[Engagement], name: str, value: Any) -> QuerySet[Engagement]:
        return engagement_filter(queryset, person=value)


# --- views ----------------------------------------------------------------------------------------------------


def _transition(service: Any, summary: str, description: str, **options: Any) -> Any:
    return transition_action(
        service,
        output=EngagementOutput,
        reload=True,
        summary=summary,
        tags=TAGS,
        description=description,
        **options,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List engagements",
        tags=TAGS,
        description="The engagements of the caller's bodies (a token: its body), most recent planned start first. "
        "A member without `view_all_engagements` sees only the engagements they are on.",
        responses={200: EngagementOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One engagement", tags=TAGS, responses={200: EngagementOutput, **errors(401, 403, 404)}
    ),
)
class EngagementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Engagement.objects.all()
    serializer_class = EngagementOutput
    resource = "engagements"
    resource_label = _("Engagements")
    envelope_key = "engagements"
    filter_backends = [DjangoFilterBackend]
    filterset_class = EngagementFilter

    def base_queryset(self) -> QuerySet[Engagement]:
        if self.action == "list":
            # the output names the previous stage and the reviewer by id: the list leaves out the detail's four
            # joins (previous stage, reviewer and their user, creator), which cost PostgreSQL more to plan
            # (11 ms against 3.5 ms) than to run the page query (`./bench/run.sh --only engagements`)
            return engagement_list().prefetch_related("sites")
        return engagement_detail()

    create = create_action(
        engagement_create,
        on="collection",
        input=EngagementCreateInput,
        output=EngagementOutput,
        reload=True,
        summary="Record an engagement",
        tags=TAGS,
        description=f"{WRITE} The body must be eligible for the activity, standard and sector on every planned "
        "day; the reference is the body's next of the year.",
    )
    partial_update = transition_action(
        engagement_update,
        route=False,
        input=EngagementUpdateInput,
        partial=True,
        output=EngagementOutput,
        reload=True,
        summary="Change an engagement",
        tags=TAGS,
        description=f"{WRITE} Moving the dates runs eligibility again, and after the team's confirmation every "
        "member's gates: every failure is listed.",
    )
    audit_time = transition_action(
        engagement_set_audit_time,
        input=AuditTimeInput,
        output=EngagementOutput,
        reload=True,
        url_path="audit-time",
        summary="Set the audit time entered by hand",
        tags=TAGS,
        description=f"{WRITE} Person-days in half days, with a written justification.",
    )
    plan = _transition(engagement_plan, "Plan", f"{WRITE} Runs body eligibility.")
    propose_team = _transition(
        engagement_propose_team,
        "Propose the team",
        f"{WRITE} The team needs a lead auditor.",
        url_path="propose-team",
    )
    confirm_team = _transition(
        engagement_confirm_team,
        "Confirm the team",
        f"{WRITE} Every member's competence, conflicts (with a cleared per-engagement declaration), separation "
        "from the project's validation, the rotation limit and eligibility; every failure listed.",
        url_path="confirm-team",
    )
    reopen_team = _transition(
        engagement_reopen_team,
        "Reopen the team",
        f"{WRITE} With a reason.",
        input=ReasonInput,
        url_path="reopen-team",
    )
    start = _transition(engagement_start, "Start the fieldwork", "The lead auditor or a planner.")
    draft_report = _transition(
        engagement_draft_report, "Record the report as drafted", "The lead auditor.", url_path="draft-report"
    )
    send_to_review = _transition(
        engagement_send_to_review,
        "Send to independent review",
        f"{WRITE} The reviewer holds the independent reviewer role and is not on the team.",
        input=ReviewerInput,
        url_path="send-to-review",
    )
    cancel = _transition(
        engagement_cancel, "Cancel", f"{WRITE} Before the decision, with a reason.", input=ReasonInput
    )


class EngagementTeamMixin(NestedViewSetMixin):
    resource = "engagements"
    parent_model = Engagement
    parent_url_kwarg = "engagement_id"
    parent_field = "engagement"
    parent_related = ("body",)


@nested_list_schema("The engagement's team", tags=TAGS, description="Whoever sees the engagement.")
class EngagementTeamViewSet(EngagementTeamMixin, viewsets.GenericViewSet):
    queryset = TeamMember.objects.all()
    serializer_class = EngagementTeamMemberOutput
    envelope_key = "team"

    def base_queryset(self) -> QuerySet[TeamMember]:
        return team_list()

    create = create_action(
        team_member_add,
        input=EngagementTeamMemberInput,
        output=EngagementTeamMemberOutput,
        summary="Put a person on the team",
        tags=TAGS,
        description=f"{WRITE} Before the team is confirmed; one lead auditor. The person is admitted to the "
        "engagement.",
    )

    @extend_schema(
        summary="Take a person off the team",
        tags=TAGS,
        description=f"{WRITE} Before the team is confirmed.",
        request=None,
        responses={204: None, **errors(401, 403, 404, 409)},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team_member_remove(member=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EngagementCandidatesView(EngagementTeamMixin, viewsets.GenericViewSet):
    queryset = TeamMember.objects.all()
    serializer_class = CandidatesOutput
    extra_query_params = ("role",)

    def base_queryset(self) -> QuerySet[TeamMember]:
        return team_list()

    @extend_schema(
        summary="Candidates for a team role",
        tags=TAGS,
        description="Every active member of the body not on the team, with each reason they cannot be assigned "
        "in `role` (competence, conflict and declaration, separation). Needs `manage_engagements`.",
        parameters=[
            OpenApiParameter(
                "role",
                str,
                required=True,
                enum=[value for value, _label in TEAM_ROLES],
                description="the team role",
            )
        ],
        responses={200: CandidatesOutput, **errors(400, 401, 403, 404)},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        engagement = self.readable_parent()
        require_manage_engagements(request.user, engagement.body)
        role = request.query_params.get("role", "")
        if role not in dict(TEAM_ROLES):
            raise ValidationError({"role": _("Choose a team role.")})
        candidates = team_candidates(engagement=engagement, role=role)
        return Response(CandidatesOutput({"candidates": candidates}).data)
