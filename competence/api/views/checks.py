"""Competence checks: is a person, or a proposed team, competent on the planned days? Token scope resource:
`competence`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from competence.checks import TeamMember, person_check_competence, team_check_coverage
from core.api.permissions import IsAuthenticatedWithScope
from core.api.schema import errors
from core.api.views import request_token

from ..schema import COMPETENCE
from ..serializers import (
    PersonCheckInput,
    PersonCheckOutput,
    TeamCheckInput,
    TeamCheckOutput,
)


class QuestionWithScope(IsAuthenticatedWithScope):
    """A competence check is a question sent by POST (a team does not fit a query string) and changes
    nothing: a token needs only `read` on the view's resource, as for a GET."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        token = request_token(request)
        return token is None or token.allows(view.resource, write=False)


_CHECK = (
    "Competent means an active member who signed the undertaking, holding an approved competence for the "
    "role (a lead auditor's also qualifies as auditor), standard and sector, valid on every planned day from "
    "`start` to `end`. People are named by membership id; every gap is listed."
)


class PersonCompetenceCheckView(APIView):
    resource = "competence"
    permission_classes = [QuestionWithScope]

    @extend_schema(
        summary="Is a person competent for a role on the planned days?",
        tags=COMPETENCE,
        description=_CHECK,
        request=PersonCheckInput,
        responses={200: PersonCheckOutput, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = PersonCheckInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        membership = values["person"]
        result = person_check_competence(
            person=membership.user,
            body=values["body"],
            role=values["role"],
            standard=values["standard"],
            sector=values["sector"],
            start=values["start"],
            end=values["end"],
        )
        context = {"membership_ids": {membership.user_id: membership.pk}}
        return Response(PersonCheckOutput(result, context=context).data)


class TeamCompetenceCheckView(APIView):
    resource = "competence"
    permission_classes = [QuestionWithScope]

    @extend_schema(
        summary="Does a proposed team cover an engagement?",
        tags=COMPETENCE,
        description=f"{_CHECK} The team needs exactly one lead auditor, who is not a technical expert, and at "
        "least one auditor.",
        request=TeamCheckInput,
        responses={200: TeamCheckOutput, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = TeamCheckInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result = team_check_coverage(
            body=values["body"],
            team=[TeamMember(person=member["person"].user, role=member["role"]) for member in values["team"]],
            standard=values["standard"],
            sector=values["sector"],
            start=values["start"],
            end=values["end"],
        )
        membership_ids = {member["person"].user_id: member["person"].pk for member in values["team"]}
        members = [
            {
                "person": membership_ids[member.person.pk],
                "role": member.role,
                "competent": outcome.competent,
                "gaps": outcome.gaps,
            }
            for member, outcome in result.members
        ]
        output = TeamCheckOutput(
            {"covered": result.covered, "gaps": result.gaps, "members": members},
            context={"membership_ids": membership_ids},
        )
        return Response(output.data)
