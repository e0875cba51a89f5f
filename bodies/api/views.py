"""Bodies API v1: bodies and their registry decisions, accreditations, eligibility, the public directory.

Each view parses its input, calls one service or selector and serializes the result; the rules (who may, in
which state) are the services'. Tenancy comes from `TenantViewSet`: another tenant's record answers 404.
"""

from __future__ import annotations

import os

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from bodies.eligibility import body_check_eligibility
from bodies.models import Accreditation, Body, BodyStatusChange, Membership
from bodies.selectors import directory_list, membership_list_for_body
from bodies.services import (
    ACCREDITATION_DECISIONS,
    BODY_DECISIONS,
    accreditation_create,
    accreditation_refuse,
    accreditation_update,
    accreditation_verify,
    body_apply,
    body_record_agreement,
    body_update_profile,
)
from core.api.m2m import attach_m2m_ids
from core.api.public import PublicApiMixin
from core.api.schema import errors, nested_list_schema
from core.api.views import (
    NestedViewSetMixin,
    TenantViewSet,
    TenantViewSetMixin,
    create_action,
    transition_action,
)
from documents.api.views import PdfRenderer

from .filters import AccreditationFilter, BodyFilter, DirectoryFilter
from .serializers import (
    AccreditationCreateInput,
    AccreditationOutput,
    AccreditationRefuseInput,
    AccreditationStatusInput,
    AccreditationUpdateInput,
    AccreditationVerifyInput,
    BodyAgreementInput,
    BodyDecisionInput,
    BodyInput,
    BodyOutput,
    BodyStatusChangeOutput,
    DirectoryBodyOutput,
    EligibilityOutput,
    EligibilityQuery,
    MembershipOutput,
)

# --- bodies -------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List bodies",
        description="The caller's own bodies (a token: its body); registry staff see every body.",
        responses={200: BodyOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(summary="One body", responses={200: BodyOutput, **errors(401, 403, 404)}),
)
class BodyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Body.objects.all()
    serializer_class = BodyOutput
    resource = "bodies"
    resource_label = _("Body profile")
    envelope_key = "bodies"
    filter_backends = [DjangoFilterBackend]
    filterset_class = BodyFilter
    session_only_actions = frozenset({"create", "agreement"})
    registry_token_actions = frozenset({"agreement"})  # a registry token with `bodies: write` records it

    def base_queryset(self) -> QuerySet[Body]:
        return Body.objects.order_by("legal_name", "id")  # an index's order: a page reads 50 index entries

    def paginate_queryset(self, queryset: QuerySet[Body]) -> list[Body] | None:
        page = super().paginate_queryset(queryset)
        attach_m2m_ids(page or [], "activities", "sectors")  # two queries, no instance per related row
        return page

    create = create_action(
        body_apply,
        on="collection",
        input=BodyInput,
        output=BodyOutput,
        summary="Apply to ICR",
        description="The signed-in caller applies on behalf of a new body and becomes its body administrator. "
        "An API token cannot apply.",
    )
    partial_update = transition_action(
        body_update_profile,
        route=False,
        input=BodyInput,
        partial=True,
        output=BodyOutput,
        summary="Update the body's profile",
        description="Body administrators (or registry staff). `activities`/`sectors` replace the lists when given.",
        request={"application/json": BodyInput(partial=True), "multipart/form-data": BodyInput(partial=True)},
    )

    agreement = transition_action(
        body_record_agreement,
        input=BodyAgreementInput,
        output=BodyOutput,
        conflict=False,
        summary="Record the signed ICR agreement",
        description="Registry staff, signed in.",
    )


class BodyNestedMixin(NestedViewSetMixin):
    """A collection under `bodies/{bodyId}/`: 404 unless the caller can see that body."""

    resource = "bodies"
    parent_model = Body
    parent_url_kwarg = "body_id"
    parent_field = "body"


@nested_list_schema("The body's approval decisions")
class BodyDecisionViewSet(BodyNestedMixin, viewsets.GenericViewSet):
    queryset = BodyStatusChange.objects.all()
    serializer_class = BodyStatusChangeOutput
    envelope_key = "decisions"
    session_only_actions = frozenset({"create"})
    registry_token_actions = frozenset({"create"})  # a registry token with `bodies: write` decides

    def base_queryset(self) -> QuerySet[BodyStatusChange]:
        return BodyStatusChange.objects.select_related("decided_by").order_by("-decided_at")

    create = transition_action(
        BODY_DECISIONS,
        on="parent",
        route=False,
        input=BodyDecisionInput,
        output=BodyOutput,
        summary="Make a registry decision on the body",
        description="Registry staff, signed in: start_review, approve, suspend, reinstate or withdraw, with a "
        "reason. A decision the body's current status does not allow answers 409.",
    )


@nested_list_schema("The body's people and their roles")
class BodyMemberViewSet(BodyNestedMixin, viewsets.GenericViewSet):
    queryset = Membership.objects.all()
    serializer_class = MembershipOutput
    envelope_key = "members"

    def get_queryset(self) -> QuerySet[Membership]:
        return membership_list_for_body(body=self.readable_parent())


class BodyEligibilityView(TenantViewSetMixin, GenericAPIView):
    """DOMAIN "Eligibility of a body for an engagement": every failing reason is named."""

    queryset = Body.objects.all()
    resource = "eligibility"
    resource_label = _("Eligibility checks")
    filter_backends: list[type] = []
    pagination_class = None

    @extend_schema(
        summary="Is the body eligible for an engagement?",
        parameters=[EligibilityQuery],
        responses={200: EligibilityOutput, **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request, id: str) -> Response:
        body = self.get_object()
        query = EligibilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = body_check_eligibility(body=body, **query.validated_data)
        return Response(EligibilityOutput(result).data)


# --- accreditations -----------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List accreditations",
        responses={200: AccreditationOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One accreditation", responses={200: AccreditationOutput, **errors(401, 403, 404)}
    ),
)
class AccreditationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Accreditation.objects.all()
    serializer_class = AccreditationOutput
    resource = "accreditations"
    resource_label = _("Accreditations")
    envelope_key = "accreditations"
    filter_backends = [DjangoFilterBackend]
    filterset_class = AccreditationFilter

    #: the registry's verification: registry staff only (the services say so); never a body's token
    session_only_actions = frozenset({"verify", "refuse"})
    registry_token_actions = frozenset({"verify", "refuse"})  # a registry token with `accreditations: write`

    def base_queryset(self) -> QuerySet[Accreditation]:
        return Accreditation.objects.select_related("accreditation_body").prefetch_related(
            "accreditation_body__mla_signatures", "scope_activities", "scope_standards", "scope_sectors"
        )

    create = create_action(
        accreditation_create,
        on="collection",
        input=AccreditationCreateInput,
        output=AccreditationOutput,
        summary="Record an accreditation",
        description="For a body the caller can see (else the field error `body: Not found.`); needs the body's "
        "`manage_accreditations` permission. Send multipart with the certificate (PDF) in `certificate`. The "
        "accreditation waits for the registry's verification (`verification: pending`) before it counts.",
        request={
            "multipart/form-data": AccreditationCreateInput,
            "application/json": AccreditationCreateInput,
        },
    )
    partial_update = transition_action(
        accreditation_update,
        route=False,
        input=AccreditationUpdateInput,
        partial=True,
        output=AccreditationOutput,
        summary="Update an accreditation",
        description="Scope lists replace the current ones when given; a new `certificate` (multipart) replaces "
        "the one on record. Any change sends a verified or refused accreditation back to `pending`.",
        request={
            "application/json": AccreditationUpdateInput(partial=True),
            "multipart/form-data": AccreditationUpdateInput(partial=True),
        },
    )

    change_status = transition_action(
        ACCREDITATION_DECISIONS,
        input=AccreditationStatusInput,
        output=AccreditationOutput,
        url_path="status",
        url_name="status",
        summary="Suspend, reinstate or withdraw an accreditation",
    )

    verify = transition_action(
        accreditation_verify,
        input=AccreditationVerifyInput,
        output=AccreditationOutput,
        summary="Verify an accreditation (registry)",
        description="Registry staff: the accreditation, checked against its certificate, counts from now. Only a "
        "`pending` accreditation can be verified (else 409).",
    )
    refuse = transition_action(
        accreditation_refuse,
        input=AccreditationRefuseInput,
        output=AccreditationOutput,
        summary="Refuse an accreditation (registry)",
        description="Registry staff, with a reason the body reads. Only a `pending` accreditation can be refused "
        "(else 409).",
    )

    @extend_schema(
        summary="Download an accreditation's certificate",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the certificate (PDF)"
            ),
            **{(code, "application/json"): response for code, response in errors(401, 403, 404).items()},
        },
    )
    @action(
        detail=True, methods=["get"], renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, PdfRenderer]
    )
    def certificate(self, request: Request, id: str) -> FileResponse:
        accreditation = self.get_object()
        if not accreditation.certificate:
            raise Http404
        try:
            handle = accreditation.certificate.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            content_type="application/pdf",
            filename=os.path.basename(accreditation.certificate.name),
        )
        response["Cache-Control"] = "private, no-cache"
        return response


# --- public directory ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Public directory of ICR-approved bodies",
        description="Approved and suspended bodies (status shown) with their active accreditations. No login.",
        responses={200: DirectoryBodyOutput(many=True), **errors(400, 429)},
    ),
    retrieve=extend_schema(
        summary="One body of the public directory",
        responses={200: DirectoryBodyOutput, **errors(404, 429)},
    ),
)
class DirectoryViewSet(PublicApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DirectoryBodyOutput
    envelope_key = "bodies"
    lookup_field = "id"
    filter_backends = [DjangoFilterBackend]
    filterset_class = DirectoryFilter

    def get_queryset(self) -> QuerySet[Body]:
        return directory_list()
