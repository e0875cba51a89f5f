"""Public reference data: the activities, standards and sectors that scopes and engagements name."""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from core.api.public import PublicApiMixin
from core.api.schema import errors
from core.api.serializers import ActivitySerializer, SectorSerializer, StandardSerializer
from reference.models import Activity, Sector, Standard


class PublicListViewSet(PublicApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pass  # no docstring: drf-spectacular would print it as each list's description


class StandardFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Standard.Kind.choices)
    scheme = django_filters.ChoiceFilter(field_name="sector_scheme", choices=Sector.Scheme.choices)

    class Meta:
        model = Standard
        fields: list[str] = []


class SectorFilter(django_filters.FilterSet):
    scheme = django_filters.ChoiceFilter(choices=Sector.Scheme.choices)
    current = django_filters.BooleanFilter(
        field_name="is_current", help_text="only the current list versions"
    )

    class Meta:
        model = Sector
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="Activities",
        tags=["reference"],
        responses={200: ActivitySerializer(many=True), **errors(429)},
    )
)
class ActivityViewSet(PublicListViewSet):
    queryset = Activity.objects.order_by("name")
    serializer_class = ActivitySerializer
    envelope_key = "activities"
    filter_backends: list[type] = []


@extend_schema_view(
    list=extend_schema(
        summary="Standards and programmes",
        tags=["reference"],
        responses={200: StandardSerializer(many=True), **errors(400, 429)},
    )
)
class StandardViewSet(PublicListViewSet):
    queryset = Standard.objects.order_by("name")
    serializer_class = StandardSerializer
    envelope_key = "standards"
    filter_backends = [DjangoFilterBackend]
    filterset_class = StandardFilter


@extend_schema_view(
    list=extend_schema(
        summary="Sectors (IAF codes, GHG sectoral scopes)",
        tags=["reference"],
        responses={200: SectorSerializer(many=True), **errors(400, 429)},
    )
)
class SectorViewSet(PublicListViewSet):
    queryset = Sector.objects.order_by("scheme", "version", "sort_key")
    serializer_class = SectorSerializer
    envelope_key = "sectors"
    filter_backends = [DjangoFilterBackend]
    filterset_class = SectorFilter
