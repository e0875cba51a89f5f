"""People of a body (memberships) and the collections under a person: training, witnessed audits and
periodic evaluations. Token scope resource: `people`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.reauth import require_recent_auth_api
from bodies.models.tenants import Membership
from competence.documents import PERSON_RECORD
from competence.models import (
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from competence.people import person_add, person_update
from competence.permissions import require_view_person_history
from competence.services import (
    periodic_evaluation_record,
    training_add,
    witnessed_audit_record,
)
from core.api.schema import errors, nested_list_schema
from core.api.views import NestedViewSetMixin, TenantViewSet, create_action, transition_action
from documents.api.serializers import DocumentRequestedOutput
from documents.services import document_request

from ..filters import PersonFilter
from ..schema import NESTED_READ, NESTED_WRITE, PEOPLE
from ..serializers import (
    EvaluationInput,
    EvaluationOutput,
    PersonCreateInput,
    PersonOutput,
    PersonUpdateInput,
    TrainingInput,
    TrainingOutput,
    WitnessedAuditInput,
    WitnessedAuditOutput,
)


@extend_schema_view(
    list=extend_schema(
        summary="List people",
        tags=PEOPLE,
        description="The people of the caller's bodies (a token: its body), one entry per membership; registry "
        "staff see every body's. A person working for several bodies appears once per body the caller can see.",
        responses={200: PersonOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One person of a body", tags=PEOPLE, responses={200: PersonOutput, **errors(401, 403, 404)}
    ),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Membership.objects.all()
    serializer_class = PersonOutput
    resource = "people"
    resource_label = _("People")
    envelope_key = "people"
    filter_backends = [DjangoFilterBackend]
    filterset_class = PersonFilter

    def base_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("user", "body").order_by(
            "user__full_name", "user__email", "body__legal_name", "pk"
        )

    create = create_action(
        person_add,
        on="collection",
        input=PersonCreateInput,
        output=PersonOutput,
        summary="Add a person to a body",
        tags=PEOPLE,
        description="Needs the body's `manage_members` permission. Someone new to the platform gets an account "
        "without a password (they set one through “forgot password”); an existing account keeps its name.",
    )
    # changing roles by session asks for a recent authentication (403 reauthentication_required)
    partial_update = require_recent_auth_api(when=lambda request: "roles" in request.data)(
        transition_action(
            person_update,
            route=False,
            input=PersonUpdateInput,
            partial=True,
            output=PersonOutput,
            conflict=False,
            summary="Change a person's roles, employment or undertaking",
            tags=PEOPLE,
            description="Needs the body's `manage_members` permission. A body keeps at least one administrator. "
            "Changing `roles` with a session asks for a recent authentication (403 `reauthentication_required`).",
        )
    )

    @extend_schema(
        summary="Request the person's competence-record PDF",
        tags=PEOPLE,
        description="For the body's competence managers, registry staff and the person themselves. Queues the "
        "rendering and answers at once; poll `/documents/{id}/` until it is `ready`.",
        request=None,
        responses={202: DocumentRequestedOutput, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="competence-record-pdf", url_name="competence-record-pdf")
    def competence_record_pdf(self, request: Request, id: str) -> Response:
        membership = self.get_object()
        document = document_request(
            kind=PERSON_RECORD, subject=membership, body=membership.body, actor=request.user
        )
        return Response(DocumentRequestedOutput(document).data, status=status.HTTP_202_ACCEPTED)


class PersonNestedMixin(NestedViewSetMixin):
    """A collection under `people/{personId}/`: 404 unless the caller can see that membership.

    A person's training, witnessed audits and evaluations are read by those who may request the person's
    competence-record PDF: the body's competence managers, registry staff and the person themselves.
    """

    resource = "people"
    parent_model = Membership
    parent_url_kwarg = "person_id"
    parent_field = "membership"
    parent_related = ("user", "body")

    def check_parent_read(self, parent: Membership) -> None:
        require_view_person_history(self.request.user, parent)  # type: ignore[attr-defined]


@nested_list_schema("The person's training and CPD", tags=PEOPLE, description=NESTED_READ)
class PersonTrainingViewSet(PersonNestedMixin, viewsets.GenericViewSet):
    queryset = TrainingEntry.objects.all()
    serializer_class = TrainingOutput
    envelope_key = "training"

    def base_queryset(self) -> QuerySet[TrainingEntry]:
        return TrainingEntry.objects.select_related("standard").order_by("-completed_on", "-created_at", "pk")

    create = create_action(
        training_add,
        input=TrainingInput,
        output=TrainingOutput,
        summary="Record training or CPD",
        tags=PEOPLE,
        description=NESTED_WRITE,
    )


@nested_list_schema("The person's witnessed audits", tags=PEOPLE, description=NESTED_READ)
class PersonWitnessedAuditViewSet(PersonNestedMixin, viewsets.GenericViewSet):
    queryset = WitnessedAudit.objects.all()
    serializer_class = WitnessedAuditOutput
    envelope_key = "witnessed_audits"

    def base_queryset(self) -> QuerySet[WitnessedAudit]:
        return WitnessedAudit.objects.select_related("witnessed_by", "standard", "sector").order_by(
            "-witnessed_on", "-created_at", "pk"
        )

    create = create_action(
        witnessed_audit_record,
        input=WitnessedAuditInput,
        output=WitnessedAuditOutput,
        summary="Record a witnessed audit",
        tags=PEOPLE,
        description=f"{NESTED_WRITE} The witness is never the person.",
    )


@nested_list_schema("The person's periodic evaluations", tags=PEOPLE, description=NESTED_READ)
class PersonEvaluationViewSet(PersonNestedMixin, viewsets.GenericViewSet):
    queryset = PeriodicEvaluation.objects.all()
    serializer_class = EvaluationOutput
    envelope_key = "evaluations"

    def base_queryset(self) -> QuerySet[PeriodicEvaluation]:
        return PeriodicEvaluation.objects.select_related("evaluated_by").order_by(
            "-evaluated_on", "-created_at", "pk"
        )

    create = create_action(
        periodic_evaluation_record,
        input=EvaluationInput,
        output=EvaluationOutput,
        summary="Record a periodic evaluation",
        tags=PEOPLE,
        description=f"{NESTED_WRITE} The caller is the evaluator and is never the person.",
    )
