"""Strict list parameters: a list answers 400 for a query parameter it does not know, or an ordering field it
cannot sort by, naming the parameter, instead of silently ignoring it (and answering an unfiltered list).

What a list knows is read from the view itself: the filters of its filterset (django-filter), the ordering
parameter and fields of DRF's `OrderingFilter`, the search parameter of `SearchFilter`, its paginator's `page`
and `limit`, and `format`. Invalid values of known filters are django-filter's own 400 (a field message per
parameter; a boolean filter given something other than true or false too, which django-filter would
ignore). `ApiViewMixin` and `PublicApiMixin` apply it to every `list`; a view that reads parameters of its
own in its list names them in `extra_query_params`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.settings import api_settings

from core.error_codes import CoreErrorCode
from core.errors import ValidationError, coded


def _ordering_fields(backend: OrderingFilter, view: Any, queryset: QuerySet[Any] | None) -> set[str]:
    request = view.request
    try:
        # DRF reads the queryset only for `ordering_fields = "__all__"` (or none declared); None is fine otherwise
        valid = backend.get_valid_fields(queryset, view, {"request": request})  # type: ignore[arg-type]
    except Exception:
        return set()
    return {name for name, _label in valid}


#: the values django-filter's BooleanFilter understands; it silently ignores any other (an unfiltered list)
BOOLEAN_VALUES = frozenset({"true", "false", "True", "False"})


@dataclass
class KnownParams:
    names: set[str] = field(default_factory=set)
    #: per ordering parameter, the fields it can sort by
    orderings: dict[str, set[str]] = field(default_factory=dict)
    #: filters that take true or false
    booleans: set[str] = field(default_factory=set)


def known_query_params(view: Any, queryset: QuerySet[Any] | None) -> KnownParams:
    """The parameters the view's list reads: filters, ordering (with its fields), search, pages, `format`."""
    known = KnownParams(
        names={api_settings.URL_FORMAT_OVERRIDE or "format", *getattr(view, "extra_query_params", ())}
    )
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        for name in ("page_query_param", "page_size_query_param", "limit_query_param", "offset_query_param"):
            value = getattr(paginator, name, None)
            if value:
                known.names.add(value)
    for backend_class in getattr(view, "filter_backends", ()) or ():
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            filterset_class = backend.get_filterset_class(view, queryset)
            if filterset_class is not None:
                for name, each in filterset_class.base_filters.items():
                    known.names.add(name)
                    if isinstance(each, django_filters.BooleanFilter):
                        known.booleans.add(name)
        elif isinstance(backend, OrderingFilter):
            known.names.add(backend.ordering_param)
            known.orderings[backend.ordering_param] = _ordering_fields(backend, view, queryset)
        elif isinstance(backend, SearchFilter):
            known.names.add(backend.search_param)
    return known


def _listing(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "—"


def check_list_query_params(view: Any, queryset: QuerySet[Any] | None = None) -> None:
    """Raises a 400 (`unknown_filter`, one message per parameter) for what the list does not know."""
    params = view.request.query_params
    known = known_query_params(view, queryset)
    errors: dict[str, ValidationError] = {}
    for name in params:
        if name not in known.names:
            errors[name] = coded(
                _("This list has no filter “%(name)s”. It knows: %(known)s.")
                % {"name": name, "known": _listing(known.names - {"format"})},
                CoreErrorCode.UNKNOWN_FILTER,
            )
        elif name in known.booleans and any(value not in BOOLEAN_VALUES for value in params.getlist(name)):
            errors[name] = coded(_("Enter true or false."), CoreErrorCode.INVALID)
    for param, fields in known.orderings.items():
        terms = [term.strip() for value in params.getlist(param) for term in value.split(",") if term.strip()]
        unknown = [term for term in terms if term.lstrip("-") not in fields]
        if unknown:
            errors[param] = coded(
                _("This list cannot be ordered by %(fields)s. It can be ordered by: %(known)s.")
                % {"fields": ", ".join(unknown), "known": _listing(fields)},
                CoreErrorCode.UNKNOWN_FILTER,
            )
    if errors:
        raise ValidationError(errors)


class StrictListParamsMixin:
    """Checks a `list`'s query parameters before any filter runs (see the module docstring)."""

    #: parameters a view's list reads itself (beside its filterset, ordering and pagination)
    extra_query_params: tuple[str, ...] = ()

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if getattr(self, "action", None) == "list":
            check_list_query_params(self, queryset)
        return super().filter_queryset(queryset)  # type: ignore[misc,no-any-return]


def parse_sector_param(value: str) -> tuple[str, str, None] | None:
    """`iaf:28` (a query parameter) → ("iaf", "28", None); None when it is not of that form."""
    from reference.models import Sector

    scheme, _sep, code = (value or "").partition(":")
    if scheme not in Sector.Scheme.values or not code.strip():
        return None
    return (scheme, code.strip(), None)


class SectorParamFormField(forms.CharField):
    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value and parse_sector_param(value) is None:
            raise forms.ValidationError(
                _("Name the sector as scheme:code, e.g. iaf:28 or ghg:1."), code="invalid"
            )
        return value


class SectorFilter(django_filters.CharFilter):
    """A sector in a query parameter, as `scheme:code` (`iaf:28`, `ghg:1`), any list version; `field_name` is
    the path to the sector (`sector`, `scope_sectors`)."""

    field_class = SectorParamFormField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "sector as scheme:code, e.g. iaf:28 or ghg:1")
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        key = parse_sector_param(str(value)) if value else None
        if key is None:
            return qs
        scheme, code, _version = key
        lookup = {f"{self.field_name}__scheme": scheme, f"{self.field_name}__code": code}
        return qs.filter(**lookup).distinct() if self.distinct else qs.filter(**lookup)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time parameter compared in UTC: PostgreSQL refuses a UTC offset beyond ±15:59, which
    ISO 8601 (and the schema) allow, and a date-time that leaves the calendar in UTC is a 400, not a 500."""

    def filter(self, qs: Any, value: Any) -> Any:
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError as exc:
                raise ValidationError(_("This date and time is out of range.")) from exc
        return super().filter(qs, value)
