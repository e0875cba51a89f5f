"""Query filters of the bodies API. Parameter names are camelCase, like the JSON."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from bodies.models import Accreditation, Body
from core.api.filters import SectorFilter


class BodyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Body.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Body.Kind.choices)
    country = django_filters.CharFilter(
        field_name="country", lookup_expr="iexact", help_text="ISO 3166-1 alpha-2 code"
    )
    q = django_filters.CharFilter(
        method="search", help_text="part of the legal name, short name or company number"
    )
    ordering = django_filters.OrderingFilter(
        fields=(("legal_name", "legalName"), ("applied_at", "appliedAt"))
    )

    class Meta:
        model = Body
        fields: list[str] = []

    def search(self, queryset: QuerySet[Body], name: str, value: str) -> QuerySet[Body]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(legal_name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(registration_number__icontains=value)
        )


class AccreditationFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    status = django_filters.ChoiceFilter(choices=Accreditation.Status.choices)
    standard = django_filters.ChoiceFilter(
        choices=Accreditation.Standard.choices, help_text="accredited standard"
    )
    activity = django_filters.CharFilter(field_name="scope_activities", help_text="activity code in scope")
    scopeStandard = django_filters.CharFilter(
        field_name="scope_standards", help_text="standard code in scope"
    )
    sector = SectorFilter(field_name="scope_sectors", help_text="sector in scope, as scheme:code (iaf:28)")
    validOn = django_filters.DateFilter(method="valid_on", help_text="valid on this day (any status)")
    validFromAfter = django_filters.DateFilter(
        field_name="valid_from", lookup_expr="gte", help_text="inclusive"
    )
    validFromBefore = django_filters.DateFilter(
        field_name="valid_from", lookup_expr="lte", help_text="inclusive"
    )
    validToAfter = django_filters.DateFilter(field_name="valid_to", lookup_expr="gte", help_text="inclusive")
    validToBefore = django_filters.DateFilter(field_name="valid_to", lookup_expr="lte", help_text="inclusive")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("valid_from", "validFrom"),
            ("valid_to", "validTo"),
            ("certificate_number", "certificateNumber"),
        )
    )

    class Meta:
        model = Accreditation
        fields: list[str] = []

    def valid_on(self, queryset: QuerySet[Accreditation], name: str, value: Any) -> QuerySet[Accreditation]:
        return queryset.filter(valid_from__lte=value, valid_to__gte=value)


class DirectoryFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(
        field_name="country", lookup_expr="iexact", help_text="ISO 3166-1 alpha-2 code"
    )
    kind = django_filters.ChoiceFilter(choices=Body.Kind.choices)
    activity = django_filters.CharFilter(
        field_name="activities", help_text="activity code the body is approved for"
    )

    class Meta:
        model = Body
        fields: list[str] = []
