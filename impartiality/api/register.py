"""Impartiality register API v1: a body's impartiality risks (CRUD through the services, a review action, close
and reopen), its committee's meetings (list, detail, record with attendees, risks reviewed and actions) and the
committee's actions (list, detail, mark done).

Each view parses its input, calls one service or selector and serializes the result; the rules are the
services'. Tenancy comes from `TenantViewSet`: another body's risk, meeting or action answers 404. Every active
member of a body reads its register and committee (it is not confidential like declarations); its keepers
(`manage_impartiality`: administrators and committee members) write; an action's owner marks it done too.
Token scope resource: `impartiality_register`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers

from bodies.models.tenants import Body, Membership
from core.api.schema import errors
from core.api.serializers import ServiceFieldsInput, VisibleRelatedField
from core.api.views import TenantViewSet, create_action, transition_action
from core.dates import today_in

from ..models.register import (
    CommitteeAction,
    CommitteeActionStatus,
    CommitteeMeeting,
    Risk,
    RiskSource,
    RiskStatus,
    RiskThreat,
)
from ..selectors.register import action_list, meeting_detail, risk_list
from ..services.register import (
    RiskLevel,
    action_complete,
    meeting_record,
    register_today,
    risk_close,
    risk_create,
    risk_is_overdue,
    risk_reopen,
    risk_review,
    risk_update,
)

REGISTER = ["impartiality register"]
COMMITTEE = ["impartiality committee"]
RESOURCE = "impartiality_register"
WRITE = "Needs the body's `manage_impartiality` permission (its administrators and committee members)."


# --- filters ---------------------------------------------------------------------------------------------------


def _overdue(queryset: QuerySet[Any], *, field: str, overdue: bool, open_status: str) -> QuerySet[Any]:
    """Open rows whose date has passed in their body's own calendar (one query for the bodies' time zones)."""
    zones = set(Body.objects.filter(pk__in=queryset.values("body_id")).values_list("time_zone", flat=True))
    condition = Q(pk__in=[])
    for zone in zones:
        condition |= Q(body__time_zone=zone, **{f"{field}__lt": today_in(zone)})
    condition &= Q(status=open_status)
    return queryset.filter(condition) if overdue else queryset.exclude(condition)


class RiskFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    threat = django_filters.ChoiceFilter(choices=RiskThreat.choices)
    status = django_filters.ChoiceFilter(choices=RiskStatus.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="true: open risks whose next review has passed (in the body's day)"
    )

    class Meta:
        model = Risk
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[Risk], name: str, value: bool) -> QuerySet[Risk]:
        return _overdue(queryset, field="next_review_on", overdue=value, open_status=RiskStatus.OPEN)


class MeetingFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    held_from = django_filters.DateFilter(
        field_name="held_on", lookup_expr="gte", help_text="held on or after"
    )
    held_to = django_filters.DateFilter(
        field_name="held_on", lookup_expr="lte", help_text="held on or before"
    )

    class Meta:
        model = CommitteeMeeting
        fields: list[str] = []


class ActionFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    status = django_filters.ChoiceFilter(choices=CommitteeActionStatus.choices)
    owner = django_filters.UUIDFilter(field_name="owner_id", help_text="the owner's membership id (/people/)")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="true: open actions whose due date has passed (in the body's day)"
    )

    class Meta:
        model = CommitteeAction
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet[CommitteeAction], name: str, value: bool) -> QuerySet[Any]:
        return _overdue(queryset, field="due_on", overdue=value, open_status=CommitteeActionStatus.OPEN)


# --- serializers -----------------------------------------------------------------------------------------------


class RegisterPersonOutput(serializers.Serializer):
    """A person of the body by their membership (the id of /people/{id}/)."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, membership: Membership) -> str:
        return str(membership.user.full_name or membership.user.email)


class RiskOutput(serializers.ModelSerializer):
    """A risk of a body's register; `rating` is likelihood × impact, `level` its reading (low ≤ 4, medium ≤ 12,
    high above); `overdue` is true once the body's day is after `nextReviewOn`."""

    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    owner = RegisterPersonOutput(read_only=True)
    likelihood = serializers.IntegerField(read_only=True, help_text="1 (rare) to 5 (almost certain)")
    impact = serializers.IntegerField(read_only=True, help_text="1 (negligible) to 5 (severe)")
    rating = serializers.IntegerField(read_only=True, help_text="likelihood × impact, 1–25")
    level = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "body",
            "title",
            "source_kind",
            "source",
            "threat",
            "likelihood",
            "impact",
            "rating",
            "level",
            "mitigation",
            "owner",
            "last_reviewed_on",
            "next_review_on",
            "overdue",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=RiskLevel.choices))
    def get_level(self, risk: Risk) -> str:
        from ..services.register import risk_level

        return risk_level(risk.rating)

    def get_overdue(self, risk: Risk) -> bool:
        return risk_is_overdue(risk, today=register_today(risk.body))


class RiskUpdateInput(ServiceFieldsInput):
    """A risk (create: every field; PATCH: any subset). The owner is a membership id of the risk's body
    (/people/); the rules (ratings 1–5, the next review at most `RISK_REVIEW_MAX_MONTHS` months away, the owner
    an active member) are the service's."""

    title = serializers.CharField()
    source_kind = serializers.ChoiceField(choices=RiskSource.choices)
    source = serializers.CharField()
    threat = serializers.ChoiceField(choices=RiskThreat.choices)
    likelihood = serializers.IntegerField(help_text="1 to 5")
    impact = serializers.IntegerField(help_text="1 to 5")
    mitigation = serializers.CharField()
    owner = VisibleRelatedField(queryset=Membership.objects.all(), pk_field=serializers.UUIDField())
    next_review_on = serializers.DateField()


class RiskCreateInput(RiskUpdateInput):
    own_arguments = ("body",)

    body = VisibleRelatedField(
        queryset=Body.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the body whose register it joins; a body's token may leave it out",
    )


class RiskReviewInput(serializers.Serializer):
    next_review_on = serializers.DateField(help_text="at most `RISK_REVIEW_MAX_MONTHS` months after today")


class RiskCloseInput(serializers.Serializer):
    reason = serializers.CharField(help_text="why the risk no longer applies")


class RiskReopenInput(serializers.Serializer):
    next_review_on = serializers.DateField()


class RiskRefOutput(serializers.ModelSerializer):
    class Meta:
        model = Risk
        fields = ["id", "title"]
        read_only_fields = fields


class ActionOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    meeting = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    owner = RegisterPersonOutput(read_only=True)

    class Meta:
        model = CommitteeAction
        fields = ["id", "body", "meeting", "description", "owner", "due_on", "status", "done_note", "done_at"]
        read_only_fields = fields


class MeetingOutput(serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(read_only=True, pk_field=serializers.UUIDField())
    attendees = RegisterPersonOutput(many=True, read_only=True)
    risks_reviewed = RiskRefOutput(many=True, read_only=True)
    actions = ActionOutput(many=True, read_only=True)
    recorded_by = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CommitteeMeeting
        fields = [
            "id",
            "body",
            "held_on",
            "attendees",
            "risks_reviewed",
            "conclusions",
            "actions",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields


class ActionInput(serializers.Serializer):
    description = serializers.CharField()
    owner = VisibleRelatedField(
        queryset=Membership.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="a membership id of the meeting's body (/people/)",
    )
    due_on = serializers.DateField(help_text="on or after the meeting")


class MeetingInput(serializers.Serializer):
    """A meeting to record: attendees are committee members of the body (membership ids), risks reviewed are the
    body's open risks (each is marked reviewed on `heldOn` and its next review set to `nextReviewOn`, by
    default the latest allowed: `RISK_REVIEW_MAX_MONTHS` months after the meeting)."""

    body = VisibleRelatedField(
        queryset=Body.objects.all(),
        pk_field=serializers.UUIDField(),
        help_text="the body whose committee met; a body's token may leave it out",
    )
    held_on = serializers.DateField(help_text="not in the future")
    attendees = serializers.ListField(
        child=VisibleRelatedField(queryset=Membership.objects.all(), pk_field=serializers.UUIDField()),
        allow_empty=True,
    )
    risks_reviewed = serializers.ListField(
        child=VisibleRelatedField(queryset=Risk.objects.all(), pk_field=serializers.UUIDField()),
        required=False,
        default=list,
    )
    conclusions = serializers.CharField(allow_blank=True)
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    actions = ActionInput(many=True, required=False, default=list)


class ActionCompleteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="how it was done")


# --- viewsets --------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List impartiality risks",
        tags=REGISTER,
        description="The risks of the caller's bodies' registers (a token: its body), soonest review first; "
        "registry staff see every body's. Every active member of the body reads them.",
        responses={200: RiskOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One impartiality risk", tags=REGISTER, responses={200: RiskOutput, **errors(401, 403, 404)}
    ),
)
class RiskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Risk.objects.all()
    serializer_class = RiskOutput
    resource = RESOURCE
    resource_label = _("Impartiality register and committee")
    envelope_key = "risks"
    filter_backends = [DjangoFilterBackend]
    filterset_class = RiskFilter

    def base_queryset(self) -> QuerySet[Risk]:
        return risk_list()

    create = create_action(
        risk_create,
        on="collection",
        input=RiskCreateInput,
        output=RiskOutput,
        summary="Add an impartiality risk",
        tags=REGISTER,
        description=f"{WRITE} Likelihood and impact 1–5; the next review at most `RISK_REVIEW_MAX_MONTHS` months "
        "away (`review_date_too_far`); the owner an active member of the body.",
    )
    partial_update = transition_action(
        risk_update,
        route=False,
        input=RiskUpdateInput,
        partial=True,
        output=RiskOutput,
        summary="Change an impartiality risk",
        tags=REGISTER,
        description=f"{WRITE} Only what changed is recorded; a closed risk answers 409 (`risk_closed`).",
    )
    review = transition_action(
        risk_review,
        input=RiskReviewInput,
        output=RiskOutput,
        summary="Record a review of an impartiality risk",
        tags=REGISTER,
        description=f"{WRITE} The risk is marked reviewed today (the body's day) and its next review set.",
    )
    close = transition_action(
        risk_close,
        input=RiskCloseInput,
        output=RiskOutput,
        summary="Close an impartiality risk",
        tags=REGISTER,
        description=f"{WRITE} The risk no longer applies (with the reason); its reminders stop.",
    )
    reopen = transition_action(
        risk_reopen,
        input=RiskReopenInput,
        output=RiskOutput,
        summary="Reopen a closed impartiality risk",
        tags=REGISTER,
        description=f"{WRITE} With its next review (the same rule as a review's).",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List impartiality committee meetings",
        tags=COMMITTEE,
        description="The meetings of the caller's bodies' committees, latest first, with attendees, risks "
        "reviewed, conclusions and actions; every active member of the body reads them.",
        responses={200: MeetingOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One committee meeting",
        tags=COMMITTEE,
        responses={200: MeetingOutput, **errors(401, 403, 404)},
    ),
)
class CommitteeMeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = CommitteeMeeting.objects.all()
    serializer_class = MeetingOutput
    resource = RESOURCE
    envelope_key = "meetings"
    filter_backends = [DjangoFilterBackend]
    filterset_class = MeetingFilter

    def base_queryset(self) -> QuerySet[CommitteeMeeting]:
        return meeting_detail().order_by("-held_on", "id")

    create = create_action(
        meeting_record,
        on="collection",
        input=MeetingInput,
        output=MeetingOutput,
        reload=True,
        summary="Record an impartiality committee meeting",
        tags=COMMITTEE,
        description=f"{WRITE} At least one attendee, every one a member of the body's committee (a field error "
        "naming the others); not in the future; the body's own open risks; each action with an owner of the "
        "body and a due date on or after the meeting.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List committee actions",
        tags=COMMITTEE,
        description="The actions of the caller's bodies' committees, soonest due first.",
        responses={200: ActionOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One committee action", tags=COMMITTEE, responses={200: ActionOutput, **errors(401, 403, 404)}
    ),
)
class CommitteeActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = CommitteeAction.objects.all()
    serializer_class = ActionOutput
    resource = RESOURCE
    envelope_key = "actions"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ActionFilter

    def base_queryset(self) -> QuerySet[CommitteeAction]:
        return action_list().select_related("body")

    complete = transition_action(
        action_complete,
        input=ActionCompleteInput,
        output=ActionOutput,
        summary="Mark a committee action done",
        tags=COMMITTEE,
        description="By the action's owner or a keeper of the register (`not_action_owner` otherwise); an action "
        "already done answers 409.",
    )
