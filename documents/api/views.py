"""The documents API: list and read (tenant-filtered), request a render (202), download, verify (public)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.api.public import PublicApiMixin
from core.api.schema import errors
from core.api.throttling import ScopedRateThrottle
from core.api.views import TenantReadOnlyViewSet, request_token
from core.errors import TransitionNotAllowed
from documents.models import Document
from documents.registry import get_kind
from documents.selectors import document_subject_get_visible
from documents.services import document_request, document_verify
from documents.views import document_file_response

from .serializers import (
    DocumentOutput,
    DocumentRequestedOutput,
    DocumentRequestInput,
    VerificationOutput,
    VerifyInput,
    VerifyLookupInput,
    VerifyUploadInput,
)


class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(help_text="document kind code, e.g. bodies.approval_letter")
    status = django_filters.ChoiceFilter(choices=Document.Status.choices)

    class Meta:
        model = Document
        fields: list[str] = []


class PdfRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the download itself is a streamed FileResponse."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data if isinstance(data, bytes) else b""


class VerifyThrottle(ScopedRateThrottle):
    """The `verify` rate, read per request (so a changed setting applies without a restart)."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


@extend_schema_view(
    list=extend_schema(
        summary="List documents", responses={200: DocumentOutput(many=True), **errors(400, 401, 403)}
    ),
    retrieve=extend_schema(
        summary="Read a document", responses={200: DocumentOutput, **errors(401, 403, 404)}
    ),
)
class DocumentViewSet(TenantReadOnlyViewSet):
    """Documents of the caller's bodies (registry staff: all). Token scope resource: `documents`."""

    resource = "documents"
    resource_label = gettext_lazy("Documents")
    envelope_key = "documents"
    queryset = Document.objects.all()
    serializer_class = DocumentOutput
    filterset_class = DocumentFilter
    ordering_fields = ["requested_at", "rendered_at", "number"]
    ordering = ["-requested_at", "id"]
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def base_queryset(self) -> QuerySet[Document]:
        return Document.objects.select_related("body", "subject_type")

    @extend_schema(
        summary="Request a document",
        description="Queues the document for rendering and answers at once; poll the document until its "
        "status is `ready`, then download it.",
        request=DocumentRequestInput,
        responses={202: DocumentRequestedOutput, **errors(400, 401, 403, 404)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DocumentRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        kind = get_kind(data.validated_data["kind"])
        subject_id = data.validated_data["subject_id"]
        try:
            kind.subject_class()._meta.pk.to_python(subject_id)
        except DjangoValidationError:
            raise ValidationError({"subject_id": [_("This is not a valid id.")]}) from None
        subject = document_subject_get_visible(
            kind=kind, subject_id=subject_id, user=request.user, token=request_token(request)
        )
        document = document_request(
            kind=kind.code, subject=subject, body=kind.body_of(subject), actor=request.user
        )
        return Response(DocumentRequestedOutput(document).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download a document",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the PDF; header X-Content-SHA256 carries its hash"
            ),
            **{(code, "application/json"): response for code, response in errors(401, 403, 404, 409).items()},
        },
    )
    @action(
        detail=True, methods=["get"], renderer_classes=[*api_settings.DEFAULT_RENDERER_CLASSES, PdfRenderer]
    )
    def download(self, request: Request, id: str) -> FileResponse:
        document = self.get_object()
        if document.status != Document.Status.READY:
            raise TransitionNotAllowed(_("The document is not ready yet."), current=document.status)
        return document_file_response(document)


@extend_schema(
    summary="Verify a document (public)",
    description="Send the PDF (multipart field `file`), or a document `number`, or a `sha256`. "
    "`genuine` means ICR issued exactly this; `current` that it still holds (not superseded, not revoked).",
    request={"multipart/form-data": VerifyUploadInput, "application/json": VerifyLookupInput},
    responses={200: VerificationOutput, **errors(400, 429)},
    auth=[],
)
class DocumentVerifyView(PublicApiMixin, APIView):
    throttle_classes = [VerifyThrottle]
    throttle_scope = "verify"

    def post(self, request: Request) -> Response:
        data = VerifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        upload = values.get("file")
        if upload is not None:
            result = document_verify(content=upload.read())
        elif values.get("sha_256"):
            result = document_verify(sha256=values["sha_256"])
        else:
            result = document_verify(number=values["number"])
        public = result.document is not None and result.document.is_public
        output = VerificationOutput(
            {
                "found": result.found,
                "genuine": result.genuine,
                "current": result.current,
                "reason": result.reason,
                "document": result.document,
            },
            context={"request": request, "public": public},
        )
        return Response(output.data)
