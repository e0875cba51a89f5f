"""Query filters of the people and competence API. Parameter names are camelCase, like the JSON."""

from __future__ import annotations

from datetime import date

import django_filters
from django.db.models import Q, QuerySet

from bodies.models.tenants import Membership, Role
from competence.models import COMPETENCE_ROLES, CompetenceRecord
from core.api.filters import SectorFilter
from reference.models import Sector


class PersonFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    role = django_filters.ChoiceFilter(choices=Role.choices, method="with_role", help_text="holds this role")
    employment = django_filters.ChoiceFilter(choices=Membership.Employment.choices)
    status = django_filters.ChoiceFilter(choices=Membership.Status.choices)
    q = django_filters.CharFilter(method="search", help_text="part of the name or email")

    class Meta:
        model = Membership
        fields: list[str] = []

    def with_role(self, queryset: QuerySet[Membership], name: str, value: str) -> QuerySet[Membership]:
        return queryset.with_role(value)  # type: ignore[attr-defined]

    def search(self, queryset: QuerySet[Membership], name: str, value: str) -> QuerySet[Membership]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(user__full_name__icontains=value) | Q(user__email__icontains=value))


class CompetenceRecordFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    person = django_filters.UUIDFilter(
        field_name="membership_id", help_text="the person's membership id (as in /people/{id}/)"
    )
    standard = django_filters.CharFilter(field_name="standard_id", help_text="standard code")
    sector = SectorFilter(field_name="sector")
    scheme = django_filters.ChoiceFilter(
        field_name="sector__scheme", choices=Sector.Scheme.choices, help_text="sector list"
    )
    role = django_filters.ChoiceFilter(choices=COMPETENCE_ROLES)
    status = django_filters.ChoiceFilter(choices=CompetenceRecord.Status.choices)
    validOn = django_filters.DateFilter(
        method="valid_on",
        help_text="approved and covering this day (evaluated on or before, valid until on or after)",
    )
    expiringBefore = django_filters.DateFilter(
        method="expiring_before", help_text="approved, and valid until this day or earlier (inclusive)"
    )

    class Meta:
        model = CompetenceRecord
        fields: list[str] = []

    def valid_on(
        self, queryset: QuerySet[CompetenceRecord], name: str, value: date
    ) -> QuerySet[CompetenceRecord]:
        # the same day test as CompetenceRecord.covers_day, as a query
        return queryset.filter(
            status=CompetenceRecord.Status.APPROVED, evaluated_on__lte=value, valid_until__gte=value
        )

    def expiring_before(
        self, queryset: QuerySet[CompetenceRecord], name: str, value: date
    ) -> QuerySet[CompetenceRecord]:
        return queryset.filter(status=CompetenceRecord.Status.APPROVED, valid_until__lte=value)
