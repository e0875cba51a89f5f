"""The audit trail, read-only: registry staff read every chain, body people holding `view_audit_trail` their
bodies' chains. Events are never changed through the API (POST/PUT/PATCH/DELETE answer 405)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.access import restrict_to_body_perm
from core.api.filters import UtcIsoDateTimeFilter
from core.api.renderers import IcrJSONRenderer as CamelCaseJSONRenderer
from core.api.schema import errors
from core.api.serializers import AuditEventSerializer
from core.api.views import TenantReadOnlyViewSet
from core.models import AuditEvent


class AuditEventRenderer(CamelCaseJSONRenderer):
    """camelCase JSON, except inside `before`/`after`: those hold the recorded values verbatim."""

    json_underscoreize = {**CamelCaseJSONRenderer.json_underscoreize, "ignore_fields": ("before", "after")}


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(
        field_name="action", help_text="exact action code, e.g. bodies.body.approved"
    )
    objectType = django_filters.CharFilter(field_name="object_type", help_text="e.g. bodies.accreditation")
    objectId = django_filters.CharFilter(field_name="object_id")
    body = django_filters.UUIDFilter(field_name="body_id")
    createdAfter = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="inclusive, ISO 8601"
    )
    createdBefore = UtcIsoDateTimeFilter(
        field_name="created_at", lookup_expr="lte", help_text="inclusive, ISO 8601"
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="List audit events",
        tags=["audit"],
        responses={200: AuditEventSerializer(many=True), **errors(400, 401, 403)},
    ),
    retrieve=extend_schema(
        summary="One audit event",
        tags=["audit"],
        responses={200: AuditEventSerializer, **errors(401, 403, 404)},
    ),
)
class AuditEventViewSet(TenantReadOnlyViewSet):
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    resource = "audit_events"
    resource_label = _("Audit trail")
    envelope_key = "audit_events"
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditEventFilter
    renderer_classes = [AuditEventRenderer]

    def get_queryset(self) -> QuerySet[Any]:
        # Seeing a body is not enough: its trail is for those holding `view_audit_trail` (body admins).
        return restrict_to_body_perm(
            super().get_queryset(), user=self.request.user, codename="view_audit_trail"
        )
