"""People and competence API v1: people of a body, competence records and their evidence, training, witnessed
audits, periodic evaluations, the competence matrix (JSON, CSV, XLSX), competence checks, bulk import.

Each view parses its input, calls one service or selector and serializes the result; the rules (who may, in
which state) are the services'. Tenancy comes from `TenantViewSet`: another tenant's record answers 404, also
for a freelance auditor's records in a body other than the caller's. Token scope resources: `people` and
`competence`.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bodies.models.tenants import Membership
from competence.checks import TeamMember, person_check_competence, team_check_coverage
from competence.documents import PERSON_RECORD, person_record_can_request
from competence.importing import competence_import_apply, competence_import_preview
from competence.models import (
    CompetenceEvidence,
    CompetenceRecord,
    ImportBatch,
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from competence.people import person_add, person_update
from competence.selectors import MatrixFilters, competence_matrix, matrix_table
from competence.services import (
    competence_approve,
    competence_propose,
    competence_renew,
    competence_suspend,
    evidence_add,
    periodic_evaluation_record,
    training_add,
    witnessed_audit_record,
)
from core.api.access import restrict_to_body_perm
from core.api.permissions import IsAuthenticatedWithScope
from core.api.renderers import IcrJSONRenderer as CamelCaseJSONRenderer
from core.api.schema import IcrAutoSchema, errors
from core.api.views import TenantViewSet, TenantViewSetMixin, request_token
from core.errors import PermissionDenied
from core.tenancy import get_visible_or_404
from documents.api.serializers import DocumentRequestedOutput
from documents.services import document_request

from .filters import CompetenceRecordFilter, ImportBatchFilter, PersonFilter
from .serializers import (
    CompetenceApproveInput,
    CompetenceRecordCreateInput,
    CompetenceRecordOutput,
    CompetenceRenewInput,
    CompetenceSuspendInput,
    EvaluationInput,
    EvaluationOutput,
    EvidenceInput,
    EvidenceOutput,
    ImportBatchOutput,
    ImportInput,
    ImportPreviewOutput,
    MatrixOutput,
    MatrixQuery,
    PersonCheckInput,
    PersonCheckOutput,
    PersonCreateInput,
    PersonOutput,
    PersonUpdateInput,
    TeamCheckInput,
    TeamCheckOutput,
    TrainingInput,
    TrainingOutput,
    WitnessedAuditInput,
    WitnessedAuditOutput,
)

PEOPLE = ["people"]
COMPETENCE = ["competence"]

# --- people -------------------------------------------------------------------------------------------------


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
    create=extend_schema(
        summary="Add a person to a body",
        tags=PEOPLE,
        description="Needs the body's `manage_members` permission. Someone new to the platform gets an account "
        "without a password (they set one through “forgot password”); an existing account keeps its name.",
        request=PersonCreateInput,
        responses={201: PersonOutput, **errors(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change a person's roles, employment or undertaking",
        tags=PEOPLE,
        description="Needs the body's `manage_members` permission. A body keeps at least one administrator.",
        request=PersonUpdateInput,
        responses={200: PersonOutput, **errors(400, 401, 403, 404)},
    ),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = Membership.objects.all()
    serializer_class = PersonOutput
    resource = "people"
    envelope_key = "people"
    filter_backends = [DjangoFilterBackend]
    filterset_class = PersonFilter
    schema = IcrAutoSchema()

    def base_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related("user", "body").order_by(
            "user__full_name", "user__email", "body__legal_name", "pk"
        )

    def create(self, request: Request) -> Response:
        data = PersonCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        membership = person_add(actor=request.user, **data.validated_data)
        return Response(PersonOutput(membership).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, id: str) -> Response:
        membership = self.get_object()
        data = PersonUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        membership = person_update(membership=membership, actor=request.user, **data.validated_data)
        return Response(PersonOutput(membership).data)

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


class PersonNestedMixin(TenantViewSetMixin):
    """A collection under `people/{personId}/`: 404 unless the caller can see that membership.

    A person's training, witnessed audits and evaluations are read by those who may request the person's
    competence-record PDF: the body's competence managers, registry staff and the person themselves.
    """

    resource = "people"
    filter_backends: list[type] = []
    schema = IcrAutoSchema()

    @cached_property
    def membership(self) -> Membership:
        request = self.request  # type: ignore[attr-defined]
        people = Membership.objects.visible_to(request.user, request_token(request)).select_related(
            "user", "body"
        )
        return get_visible_or_404(people, pk=self.kwargs["person_id"])  # type: ignore[attr-defined]

    def readable_membership(self) -> Membership:
        membership = self.membership
        if not person_record_can_request(self.request.user, membership):  # type: ignore[attr-defined]
            raise PermissionDenied(_("Only competence managers and the person themselves can read this."))
        return membership

    #: for `list`: what each row shows, and newest first
    history_related: tuple[str, ...] = ()
    history_ordering: tuple[str, ...] = ()

    def list(self, request: Request, person_id: str) -> Response:
        """One person's history of this kind (training, witnessed audits or evaluations), newest first."""
        rows = (
            self.queryset.filter(membership=self.readable_membership())  # type: ignore[attr-defined]
            .select_related(*self.history_related)
            .order_by(*self.history_ordering)
        )
        page = self.paginate_queryset(rows)  # type: ignore[attr-defined]
        return self.get_paginated_response(  # type: ignore[attr-defined]
            self.serializer_class(page, many=True).data  # type: ignore[attr-defined]
        )


_NESTED_READ = (
    "The body's competence managers, registry staff and the person themselves; colleagues get 403, other "
    "bodies 404."
)
_NESTED_WRITE = "Needs the body's `manage_competence` permission."


@extend_schema_view(
    list=extend_schema(
        summary="The person's training and CPD",
        tags=PEOPLE,
        description=_NESTED_READ,
        responses={200: TrainingOutput(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Record training or CPD",
        tags=PEOPLE,
        description=_NESTED_WRITE,
        request=TrainingInput,
        responses={201: TrainingOutput, **errors(400, 401, 403, 404)},
    ),
)
class PersonTrainingViewSet(PersonNestedMixin, viewsets.GenericViewSet):
    queryset = TrainingEntry.objects.all()
    serializer_class = TrainingOutput
    envelope_key = "training"

    history_related = ("standard",)
    history_ordering = ("-completed_on", "-created_at", "pk")

    def create(self, request: Request, person_id: str) -> Response:
        membership = self.membership
        data = TrainingInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = training_add(membership=membership, actor=request.user, **data.validated_data)
        return Response(TrainingOutput(entry).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The person's witnessed audits",
        tags=PEOPLE,
        description=_NESTED_READ,
        responses={200: WitnessedAuditOutput(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Record a witnessed audit",
        tags=PEOPLE,
        description=f"{_NESTED_WRITE} The witness is never the person.",
        request=WitnessedAuditInput,
        responses={201: WitnessedAuditOutput, **errors(400, 401, 403, 404)},
    ),
)
class PersonWitnessedAuditViewSet(PersonNestedMixin, viewsets.GenericViewSet):
    queryset = WitnessedAudit.objects.all()
    serializer_class = WitnessedAuditOutput
    envelope_key = "witnessed_audits"

    history_related = ("witnessed_by", "standard", "sector")
    history_ordering = ("-witnessed_on", "-created_at", "pk")

    def create(self, request: Request, person_id: str) -> Response:
        membership = self.membership
        data = WitnessedAuditInput(data=request.data, context={"request": request, "membership": membership})
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        witness = fields.pop("witnessed_by", None)
        witnessed = witnessed_audit_record(
            membership=membership,
            actor=request.user,
            witnessed_by=witness.user if witness is not None else request.user,
            **fields,
        )
        return Response(WitnessedAuditOutput(witnessed).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="The person's periodic evaluations",
        tags=PEOPLE,
        description=_NESTED_READ,
        responses={200: EvaluationOutput(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Record a periodic evaluation",
        tags=PEOPLE,
        description=f"{_NESTED_WRITE} The caller is the evaluator and is never the person.",
        request=EvaluationInput,
        responses={201: EvaluationOutput, **errors(400, 401, 403, 404)},
    ),
)
class PersonEvaluationViewSet(PersonNestedMixin, viewsets.GenericViewSet):
    queryset = PeriodicEvaluation.objects.all()
    serializer_class = EvaluationOutput
    envelope_key = "evaluations"

    history_related = ("evaluated_by",)
    history_ordering = ("-evaluated_on", "-created_at", "pk")

    def create(self, request: Request, person_id: str) -> Response:
        membership = self.membership
        data = EvaluationInput(data=request.data)
        data.is_valid(raise_exception=True)
        evaluation = periodic_evaluation_record(
            membership=membership, actor=request.user, **data.validated_data
        )
        return Response(EvaluationOutput(evaluation).data, status=status.HTTP_201_CREATED)


# --- competence records -------------------------------------------------------------------------------------

_RECORD_WRITE = "Needs the body's `manage_competence` permission."
_EVALUATOR = "The evaluator (the caller) is never the person (ISO/IEC 17021-1 7.2.4)."


@extend_schema_view(
    list=extend_schema(
        summary="List competence records",
        tags=COMPETENCE,
        description="The records of the caller's bodies (a token: its body); registry staff see all. A freelance "
        "auditor's records kept by another body are not listed.",
        responses={200: CompetenceRecordOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One competence record",
        tags=COMPETENCE,
        responses={200: CompetenceRecordOutput, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Propose a competence",
        tags=COMPETENCE,
        description=f"{_RECORD_WRITE} For a person the caller can see (else the field error `person: Not "
        "found.`). The record counts once someone other than the person approves it.",
        request=CompetenceRecordCreateInput,
        responses={201: CompetenceRecordOutput, **errors(400, 401, 403)},
    ),
)
class CompetenceRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = CompetenceRecord.objects.all()
    serializer_class = CompetenceRecordOutput
    resource = "competence"
    envelope_key = "competence_records"
    filter_backends = [DjangoFilterBackend]
    filterset_class = CompetenceRecordFilter
    schema = IcrAutoSchema()

    def base_queryset(self) -> QuerySet[CompetenceRecord]:
        return CompetenceRecord.objects.select_related(
            "membership__user", "standard", "sector", "evaluated_by"
        ).order_by(
            "person__full_name", "membership_id", "standard_id", "sector__sort_key", "sector_id", "role"
        )

    def _output(self, record: CompetenceRecord) -> Response:
        return Response(CompetenceRecordOutput(self.get_queryset().get(pk=record.pk)).data)

    def create(self, request: Request) -> Response:
        data = CompetenceRecordCreateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        record = competence_propose(membership=fields.pop("person"), actor=request.user, **fields)
        return Response(CompetenceRecordOutput(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a proposed competence",
        tags=COMPETENCE,
        description=f"{_RECORD_WRITE} {_EVALUATOR} Only a proposed record can be approved (else 409).",
        request=CompetenceApproveInput,
        responses={200: CompetenceRecordOutput, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, id: str) -> Response:
        record = self.get_object()
        data = CompetenceApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = competence_approve(record=record, actor=request.user, **data.validated_data)
        return self._output(record)

    @extend_schema(
        summary="Renew a competence after a new evaluation",
        tags=COMPETENCE,
        description=f"{_RECORD_WRITE} {_EVALUATOR} An approved or suspended record (else 409); a suspended one "
        "is reinstated.",
        request=CompetenceRenewInput,
        responses={200: CompetenceRecordOutput, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, id: str) -> Response:
        record = self.get_object()
        data = CompetenceRenewInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = competence_renew(record=record, actor=request.user, **data.validated_data)
        return self._output(record)

    @extend_schema(
        summary="Suspend an approved competence",
        tags=COMPETENCE,
        description=f"{_RECORD_WRITE} With a reason. Only an approved record (else 409).",
        request=CompetenceSuspendInput,
        responses={200: CompetenceRecordOutput, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, id: str) -> Response:
        record = self.get_object()
        data = CompetenceSuspendInput(data=request.data)
        data.is_valid(raise_exception=True)
        record = competence_suspend(record=record, actor=request.user, reason=data.validated_data["reason"])
        return self._output(record)


@extend_schema_view(
    list=extend_schema(
        summary="The evidence behind a competence record",
        tags=COMPETENCE,
        description=_NESTED_READ,
        responses={200: EvidenceOutput(many=True), **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Add evidence to a competence record",
        tags=COMPETENCE,
        description=f"{_RECORD_WRITE} A PDF, PNG or JPEG (checked by its content) within the upload limit.",
        request={"multipart/form-data": EvidenceInput},
        responses={201: EvidenceOutput, **errors(400, 401, 403, 404)},
    ),
)
class CompetenceEvidenceViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    queryset = CompetenceEvidence.objects.all()
    serializer_class = EvidenceOutput
    resource = "competence"
    envelope_key = "evidence"
    filter_backends: list[type] = []
    schema = IcrAutoSchema()

    @cached_property
    def record(self) -> CompetenceRecord:
        records = CompetenceRecord.objects.visible_to(self.request.user, request_token(self.request))
        return get_visible_or_404(records.select_related("membership", "body"), pk=self.kwargs["record_id"])

    def list(self, request: Request, record_id: str) -> Response:
        record = self.record
        if not person_record_can_request(request.user, record.membership):
            raise PermissionDenied(_("Only competence managers and the person themselves can read this."))
        evidence = (
            CompetenceEvidence.objects.filter(record=record)
            .select_related("uploaded_by")
            .order_by("-uploaded_at", "pk")
        )
        page = self.paginate_queryset(evidence)
        return self.get_paginated_response(EvidenceOutput(page, many=True).data)

    def create(self, request: Request, record_id: str) -> Response:
        record = self.record
        data = EvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = evidence_add(
            record=record,
            actor=request.user,
            upload=data.validated_data["file"],
            description=data.validated_data["description"],
        )
        return Response(EvidenceOutput(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download one evidence file",
        tags=COMPETENCE,
        description=f"{_NESTED_READ} The file as uploaded; its SHA-256 is in the `X-Content-SHA256` header.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(401, 403, 404)},
    )
    def download(self, request: Request, record_id: str, id: str) -> FileResponse:
        record = self.record
        if not person_record_can_request(request.user, record.membership):
            raise PermissionDenied(_("Only competence managers and the person themselves can read this."))
        evidence = get_visible_or_404(CompetenceEvidence.objects.filter(record=record), pk=id)
        try:
            handle = evidence.file.storage.open(evidence.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=os.path.basename(evidence.file.name),
            content_type="application/octet-stream",
        )
        response["X-Content-SHA256"] = evidence.sha256
        response["Cache-Control"] = "private, no-cache"
        return response


# --- matrix -------------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (names and emails come from users)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


class MatrixCsvRenderer(BaseRenderer):
    """The matrix table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the accents)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_spreadsheet_safe(cell) for cell in data["header"]])
        writer.writerows([_spreadsheet_safe(cell) for cell in row] for row in data["rows"])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class MatrixXlsxRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Competence matrix")
        sheet.append([_spreadsheet_safe(cell) for cell in data["header"]])
        for row in data["rows"]:
            sheet.append([_spreadsheet_safe(cell) for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


EXPORT_RENDERERS = (MatrixCsvRenderer, MatrixXlsxRenderer)


class CompetenceMatrixView(APIView):
    """People × (standard, sector) of one body; `?format=csv` or `?format=xlsx` downloads it as a table."""

    resource = "competence"
    renderer_classes = [CamelCaseJSONRenderer, *EXPORT_RENDERERS]
    schema = IcrAutoSchema()

    @extend_schema(
        summary="The competence matrix of a body",
        tags=COMPETENCE,
        description="Every active person is a row (only those holding a matching record when records are "
        "filtered); a column is a (standard, sector) someone holds. `body` may be left out by a caller who "
        "belongs to one body only. `format=csv` / `format=xlsx` download the same matrix as an attachment.",
        parameters=[MatrixQuery],
        responses={
            (200, "application/json"): MatrixOutput,
            (200, MatrixCsvRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="CSV"),
            (200, MatrixXlsxRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX"),
            **{(code, "application/json"): response for code, response in errors(400, 401, 403, 404).items()},
        },
    )
    def get(self, request: Request) -> Response:
        query = MatrixQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        body = params["body"]
        matrix = competence_matrix(
            body=body,
            filters=MatrixFilters(
                standard=params.get("standard"),
                sector=params.get("sector"),
                scheme=params.get("scheme"),
                role=params.get("role"),
                status=params.get("status"),
                person=params.get("person"),
                expiring_within_days=params.get("expiringWithinDays"),
            ),
        )
        export = request.accepted_renderer.format
        if export in {renderer.format for renderer in EXPORT_RENDERERS}:
            header, rows = matrix_table(matrix)
            filename = f"competence-matrix-{slugify(str(body))}-{matrix.today.isoformat()}.{export}"
            return Response(
                {"header": header, "rows": rows},
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(
            MatrixOutput(
                {"body": body, "today": matrix.today, "columns": matrix.columns, "rows": matrix.rows}
            ).data
        )

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # an error is JSON, whichever format was asked for
        self.request.accepted_renderer = CamelCaseJSONRenderer()
        self.request.accepted_media_type = CamelCaseJSONRenderer.media_type
        return response


# --- competence checks --------------------------------------------------------------------------------------


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
    schema = IcrAutoSchema()

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
    schema = IcrAutoSchema()

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


# --- imports ------------------------------------------------------------------------------------------------


class ImportRenderer(CamelCaseJSONRenderer):
    """camelCase JSON, except the keys of a row's `errors`: they name the file's columns as written there."""

    json_underscoreize = {**CamelCaseJSONRenderer.json_underscoreize, "ignore_fields": ("errors",)}


@extend_schema_view(
    list=extend_schema(
        summary="List competence imports",
        tags=COMPETENCE,
        description="Imports of the bodies where the caller holds `manage_competence` (registry staff: all).",
        responses={200: ImportBatchOutput(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One competence import",
        tags=COMPETENCE,
        responses={200: ImportBatchOutput, **errors(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Upload and preview a people-and-competence file",
        tags=COMPETENCE,
        description="Needs the body's `manage_competence` permission. Stores the file and reports row by row "
        "what applying it would do or why it cannot; writes no people or records. A file with any bad row is "
        "`rejected` (`valid: false`) and cannot be applied. Columns: email, full_name, employment, roles, "
        "undertaking_signed_on, standard, sector_scheme, sector_code, competence_role, basis, evaluated_by, "
        "evaluated_on, valid_until.",
        request={"multipart/form-data": ImportInput},
        responses={201: ImportPreviewOutput, **errors(400, 401, 403)},
    ),
)
class CompetenceImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    queryset = ImportBatch.objects.all()
    serializer_class = ImportBatchOutput
    resource = "competence"
    envelope_key = "competence_imports"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ImportBatchFilter
    renderer_classes = [ImportRenderer]
    schema = IcrAutoSchema()

    def base_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.select_related("created_by").order_by("-created_at", "pk")

    def get_queryset(self) -> QuerySet[ImportBatch]:
        # seeing the body is not enough: imports are the competence managers' work
        return restrict_to_body_perm(
            super().get_queryset(), user=self.request.user, codename="manage_competence"
        )

    def create(self, request: Request) -> Response:
        data = ImportInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        preview = competence_import_preview(
            body=data.validated_data["body"], actor=request.user, upload=data.validated_data["file"]
        )
        return Response(ImportPreviewOutput(preview).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Apply a previewed import",
        tags=COMPETENCE,
        description="Re-validates the whole file against the data as it is now and writes every row in one "
        "transaction, or nothing: 409 when the import was already applied or was rejected, 400 when the file no "
        "longer passes.",
        request=None,
        responses={200: ImportPreviewOutput, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, id: str) -> Response:
        batch = self.get_object()
        preview = competence_import_apply(batch=batch, actor=request.user)
        return Response(ImportPreviewOutput(preview).data)
