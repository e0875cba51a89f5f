"""Conflict service API v1: the conflict check, overrides of its conflicts, and the body's impartiality policy.
Token scope resource: `conflicts`.

Who: holders of `review_declarations` or `manage_impartiality` check anyone of their body and read every
override; a member checks themselves and reads their own overrides; a body's token acts for its body. The
details of a declared relationship (the words of a conflict, the relationship, the review's measures) go only
to those who may read the declaration behind it (`can_read_declaration`; a token with the `declarations`
scope); others get `detailsHidden: true` and a message without them. Only the role the body's policy names
overrides, never a conflict of their own, never cooling-off or current employment.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bodies.models.tenants import Body, Membership, Role
from clients.selectors import client_list, project_list
from core.api.permissions import IsAuthenticatedWithScope
from core.api.schema import errors
from core.api.serializers import UserRefSerializer, VisibleRelatedField
from core.api.views import ApiViewMixin, TenantViewSet, create_action, request_token
from core.tenancy import get_visible_or_404

from ..models import ConflictOverride, ImpartialityPolicy
from ..permissions import can_read_declaration, can_review_declarations, require_check_conflicts
from ..selectors.conflicts import conflict_overrides_readable
from ..services.conflicts import (
    ConflictReport,
    ConflictRule,
    ConflictSeverity,
    conflict_check,
    conflict_override,
    impartiality_policy_get,
    impartiality_policy_set,
)

TAGS = ["conflicts"]
RESOURCE = "conflicts"

# --- serializers ------------------------------------------------------------------------------------------------


class QuestionInput(serializers.Serializer):
    """Who, with whom, when. The service checks the rest (one counterparty of the person's body, the period)."""

    person = VisibleRelatedField(
        queryset=Membership.objects.select_related("user", "body"),
        pk_field=serializers.UUIDField(),
        source="membership",
        help_text="membership id (as in /people/{id}/)",
    )
    client = VisibleRelatedField(
        queryset=client_list().prefetch_related(None),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        help_text="a client id (or give a project)",
    )
    project = VisibleRelatedField(
        queryset=project_list(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        help_text="a project id; a project brings its proponent and its consultant",
    )
    starts_on = serializers.DateField(help_text="first planned day")
    ends_on = serializers.DateField(help_text="last planned day")


class OverrideInput(QuestionInput):
    rule = serializers.CharField(
        help_text="the rule of a conflict the check finds (not cooling_off nor current_employment)"
    )
    justification = serializers.CharField(
        allow_blank=True, help_text="why the conflict is allowed (required)"
    )


class OverrideOutput(serializers.ModelSerializer):
    body = serializers.UUIDField(source="body_id", read_only=True)
    person = serializers.UUIDField(source="membership_id", read_only=True, help_text="membership id")
    client = serializers.UUIDField(source="client_id", read_only=True, allow_null=True)
    project = serializers.UUIDField(source="project_id", read_only=True, allow_null=True)
    rule = serializers.ChoiceField(choices=ConflictRule.choices, read_only=True)
    rule_label = serializers.SerializerMethodField()
    overridden_by = UserRefSerializer(read_only=True)

    class Meta:
        model = ConflictOverride
        fields = [
            "id",
            "body",
            "person",
            "client",
            "project",
            "rule",
            "rule_label",
            "starts_on",
            "ends_on",
            "justification",
            "overridden_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_rule_label(self, override: ConflictOverride) -> str:
        return (
            str(ConflictRule(override.rule).label) if override.rule in ConflictRule.values else override.rule
        )


class ConflictOutput(serializers.Serializer):
    rule = serializers.ChoiceField(choices=ConflictRule.choices)
    rule_label = serializers.CharField()
    severity = serializers.ChoiceField(choices=ConflictSeverity.choices, help_text="`bars` or `mitigate`")
    severity_label = serializers.CharField()
    absolute = serializers.BooleanField(help_text="never overridden (cooling-off, current employment)")
    overridden = serializers.BooleanField()
    bars = serializers.BooleanField(help_text="bars the assignment now (a barring conflict not overridden)")
    message = serializers.CharField(
        help_text="in words; without the relationship's details when detailsHidden"
    )
    details_hidden = serializers.BooleanField()
    declaration = serializers.UUIDField(allow_null=True, help_text="the declaration behind it, if any")
    relationship = serializers.UUIDField(
        allow_null=True, help_text="the relationship behind it (null if hidden)"
    )
    measures = serializers.CharField(
        allow_blank=True, help_text="a mitigated review's measures (empty if hidden)"
    )
    override = OverrideOutput(allow_null=True)


class ReportOutput(serializers.Serializer):
    person = serializers.UUIDField(help_text="membership id")
    client = serializers.UUIDField(allow_null=True)
    project = serializers.UUIDField(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    clear = serializers.BooleanField(help_text="nothing bars and nothing needs mitigation")
    barred = serializers.BooleanField(help_text="at least one conflict bars the assignment")
    needs_mitigation = serializers.BooleanField()
    conflicts = ConflictOutput(many=True, help_text="every conflict, barring ones first; overridden ones too")


def _report_data(report: ConflictReport, readable: Any) -> dict[str, Any]:
    conflicts = []
    for conflict in report.conflicts:
        shown = readable(conflict.declaration)
        conflicts.append(
            {
                "rule": conflict.rule,
                "rule_label": conflict.rule_label,
                "severity": conflict.severity,
                "severity_label": conflict.severity_label,
                "absolute": conflict.absolute,
                "overridden": conflict.overridden,
                "bars": conflict.bars,
                "message": conflict.message if shown else conflict.summary,
                "details_hidden": not shown,
                "declaration": getattr(conflict.declaration, "pk", None),
                "relationship": getattr(conflict.relationship, "pk", None) if shown else None,
                "measures": conflict.measures if shown else "",
                "override": conflict.override,
            }
        )
    return {
        "person": report.membership.pk,
        "client": getattr(report.client, "pk", None),
        "project": getattr(report.project, "pk", None),
        "starts_on": report.starts_on,
        "ends_on": report.ends_on,
        "clear": report.clear,
        "barred": bool(report.bars),
        "needs_mitigation": bool(report.needs_mitigation),
        "conflicts": conflicts,
    }


# --- the conflict check -----------------------------------------------------------------------------------------


class QuestionWithScope(IsAuthenticatedWithScope):
    """A conflict check is a question sent by POST and changes nothing: a token needs only `read`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        token = request_token(request)
        return token is None or token.allows(view.resource, write=False)


class ConflictCheckView(ApiViewMixin, APIView):
    resource = RESOURCE
    resource_label = _("Conflicts of interest")
    permission_classes = [QuestionWithScope]

    @extend_schema(
        summary="Can this person work for this client or project on these dates?",
        tags=TAGS,
        description="Every conflict of interest of the person (a membership id) with the client, or the project "
        "with its proponent and consultant, from `startsOn` to `endsOn`: cooling-off after consultancy or "
        "advice (COOLING_OFF_YEARS, 2 by default: the audit may start on the day two years after it ended), "
        "current employment, financial interest, family, earlier audit, gifts and other relationships within 12 "
        "months, the per-engagement declaration (missing, waiting for review), barring or mitigated reviews, "
        "the annual declaration on the first planned day. Planners (review_declarations or "
        "manage_impartiality) ask about anyone of their body, a member about themselves. Changes nothing: a "
        "token needs the `read` scope of `conflicts`.",
        request=QuestionInput,
        responses={200: ReportOutput, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = QuestionInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        membership = values["membership"]
        token = request_token(request)
        if token is None:
            require_check_conflicts(request.user, membership)
        report = conflict_check(
            membership=membership,
            client=values.get("client"),
            project=values.get("project"),
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
        )
        if token is not None:
            details = token.allows("declarations", write=False)

            def readable(declaration: Any) -> bool:
                return declaration is None or details

        else:
            reviewer = can_review_declarations(request.user, membership.body)

            def readable(declaration: Any) -> bool:
                return declaration is None or reviewer or can_read_declaration(request.user, declaration)

        return Response(ReportOutput(_report_data(report, readable)).data)


# --- overrides --------------------------------------------------------------------------------------------------


class OverrideFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    person = django_filters.UUIDFilter(field_name="membership_id", help_text="membership id")
    client = django_filters.UUIDFilter(field_name="client_id")
    project = django_filters.UUIDFilter(field_name="project_id")
    rule = django_filters.ChoiceFilter(choices=ConflictRule.choices)

    class Meta:
        model = ConflictOverride
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="List conflict overrides",
        tags=TAGS,
        description="Planners read every override of their bodies, a member their own, a body's token its "
        "body's; newest first.",
        responses={200: OverrideOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One conflict override", tags=TAGS, responses={200: OverrideOutput, **errors(401, 403, 404)}
    ),
)
class ConflictOverrideViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = ConflictOverride.objects.all()
    serializer_class = OverrideOutput
    resource = RESOURCE
    envelope_key = "overrides"
    filter_backends = [DjangoFilterBackend]
    filterset_class = OverrideFilter

    def get_queryset(self) -> QuerySet[ConflictOverride]:
        return conflict_overrides_readable(self.request.user, request_token(self.request))

    create = create_action(
        conflict_override,
        on="collection",
        input=OverrideInput,
        output=OverrideOutput,
        summary="Override a conflict",
        tags=TAGS,
        description="Allows one conflict the check finds (its `rule`) for the person, client or project and "
        "period, with a written `justification`. Only a person holding the role the body's impartiality policy "
        "names (`override_not_allowed`), never for a conflict of their own (`override_own_conflict`), never "
        "cooling-off or current employment (`conflict_absolute`); the conflict must be found "
        "(`conflict_not_found`) and not already overridden (`conflict_already_overridden`). Audited; the person "
        "and the body's administrators are told.",
    )


# --- the body's impartiality policy -----------------------------------------------------------------------------


class PolicyOutput(serializers.ModelSerializer):
    body = serializers.UUIDField(source="body_id", read_only=True)
    override_role = serializers.CharField(
        read_only=True,
        help_text="the role whose holders may override a conflict (`body_admin` by default): one of "
        + ", ".join(f"`{role}`" for role in Role.values),
    )
    updated_at = serializers.SerializerMethodField()

    class Meta:
        model = ImpartialityPolicy
        fields = ["body", "override_role", "updated_at"]
        read_only_fields = fields

    def get_updated_at(self, policy: ImpartialityPolicy) -> str | None:
        """null while the body keeps the default"""
        if policy._state.adding:
            return None
        return serializers.DateTimeField().to_representation(policy.updated_at)


class PolicyInput(serializers.Serializer):
    override_role = serializers.CharField(
        help_text="a role code, e.g. `body_admin`, `impartiality_committee_member`"
    )


class ImpartialityPolicyView(ApiViewMixin, APIView):
    """Which role of the body may override a conflict."""

    resource = RESOURCE

    def get_body(self, request: Request, body_id: str) -> Body:
        return get_visible_or_404(Body.objects.visible_to(request.user, request_token(request)), pk=body_id)

    @extend_schema(
        summary="The body's impartiality policy",
        tags=TAGS,
        description="Every member of the body may read it; a body that never decided answers the default "
        "(`body_admin`, `updatedAt` null).",
        responses={200: PolicyOutput, **errors(401, 403, 404)},
    )
    def get(self, request: Request, body_id: str) -> Response:
        body = self.get_body(request, body_id)
        return Response(PolicyOutput(impartiality_policy_get(body=body)).data)

    @extend_schema(
        summary="Decide who may override a conflict",
        tags=TAGS,
        description="Needs the body's `manage_body` permission (its administrators, registry staff): committee "
        "members keep the register but do not choose who overrides. Audited with before and after; setting the "
        "role in force changes nothing.",
        request=PolicyInput,
        responses={200: PolicyOutput, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, body_id: str) -> Response:
        body = self.get_body(request, body_id)
        data = PolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = impartiality_policy_set(
            body=body, actor=request.user, override_role=data.validated_data["override_role"]
        )
        return Response(PolicyOutput(policy).data)
