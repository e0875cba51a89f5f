"""Public reference data of the registry: the accreditation bodies accreditations name."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from core.api.public import PublicApiMixin
from core.api.schema import errors
from reference.models import AccreditationBody

from .serializers import AccreditationBodyOutput


@extend_schema_view(
    list=extend_schema(
        summary="Accreditation bodies",
        description="The accreditation bodies the registry keeps, with their IAF MLA signatures. An "
        "accreditation names one by `id` (`accreditationBody`).",
        tags=["reference"],
        responses={200: AccreditationBodyOutput(many=True), **errors(429)},
    ),
    retrieve=extend_schema(
        summary="One accreditation body",
        tags=["reference"],
        responses={200: AccreditationBodyOutput, **errors(404, 429)},
    ),
)
class AccreditationBodyViewSet(PublicApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AccreditationBodyOutput
    envelope_key = "accreditation_bodies"
    lookup_field = "id"
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[AccreditationBody]:
        return AccreditationBody.objects.prefetch_related("mla_signatures").order_by("name", "id")
