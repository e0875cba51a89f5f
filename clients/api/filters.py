"""Query filters of the clients API. Parameter names are camelCase, like the JSON."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django_countries import countries

from clients.models import Client, ClientKind, Project
from clients.selectors import client_search, project_search
from core.api.filters import SectorFilter


class ClientFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    q = django_filters.CharFilter(
        method="search", help_text="part of the legal name, short name or registration number"
    )
    country = django_filters.ChoiceFilter(choices=list(countries), help_text="ISO 3166-1 alpha-2 code")
    kind = django_filters.ChoiceFilter(choices=ClientKind.choices)
    sector = SectorFilter(field_name="sectors", distinct=True)

    class Meta:
        model = Client
        fields: list[str] = []

    def search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        return client_search(queryset, value)


class ProjectFilter(django_filters.FilterSet):
    body = django_filters.UUIDFilter(field_name="body_id")
    q = django_filters.CharFilter(
        method="search", help_text="part of the name, registry number or project id"
    )
    country = django_filters.ChoiceFilter(choices=list(countries), help_text="ISO 3166-1 alpha-2 code")
    proponent = django_filters.UUIDFilter(field_name="proponent_id", help_text="the proponent's client id")
    sector = SectorFilter(field_name="sector")

    class Meta:
        model = Project
        fields: list[str] = []

    def search(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return project_search(queryset, value)
