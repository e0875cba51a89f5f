"""A body's decision on the confidentiality of its people's records. Token scope resource: `people`."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bodies.models.tenants import Body
from competence.confidentiality import people_records_policy_get, people_records_policy_set
from core.api.schema import errors
from core.api.views import request_token
from core.tenancy import get_visible_or_404

from ..schema import PEOPLE
from ..serializers import PeopleRecordsPolicyInput, PeopleRecordsPolicyOutput


class PeopleRecordsPolicyView(APIView):
    """What an ordinary member of the body sees of a colleague's records (`summary` by default, or `full`)."""

    resource = "people"

    def get_body(self, request: Request, body_id: str) -> Body:
        return get_visible_or_404(Body.objects.visible_to(request.user, request_token(request)), pk=body_id)

    @extend_schema(
        summary="The body's confidentiality of people's records",
        tags=PEOPLE,
        description="Every member of the body may read it; a body that never decided answers the default "
        "(`summary`, `updatedBy` null).",
        responses={200: PeopleRecordsPolicyOutput, **errors(401, 403, 404)},
    )
    def get(self, request: Request, body_id: str) -> Response:
        body = self.get_body(request, body_id)
        return Response(PeopleRecordsPolicyOutput(people_records_policy_get(body=body)).data)

    @extend_schema(
        summary="Decide the confidentiality of people's records",
        tags=PEOPLE,
        description="Needs the body's `manage_body` permission (its administrators, registry staff). Audited "
        "with before and after; setting the value in force changes nothing.",
        request=PeopleRecordsPolicyInput,
        responses={200: PeopleRecordsPolicyOutput, **errors(400, 401, 403, 404)},
    )
    def put(self, request: Request, body_id: str) -> Response:
        body = self.get_body(request, body_id)
        data = PeopleRecordsPolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        policy = people_records_policy_set(
            body=body, actor=request.user, colleague_records=data.validated_data["colleague_records"]
        )
        return Response(PeopleRecordsPolicyOutput(policy).data)
