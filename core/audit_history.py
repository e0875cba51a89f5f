"""The audit trail read as a history: who (a name, or the platform), what (the action's sentence), which record
(linked to its page when the reader may open it), and only the fields that changed, with their labels and
readable values (names for ids, labels for choices, dates in the reader's language).

Everything a page of events needs is read in bulk: one query per kind of related record and one per kind of
linked record, whatever the number of events (`history_entries`). Used by the portal's trail, its CSV export
and the back office.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_action_label, audit_record_kinds
from .models import AuditEvent

#: labels of the values events record that are no field of their record
EXTRA_LABELS = {
    "reason": gettext_lazy("Reason"),
    "user": gettext_lazy("Person"),
    "permission": gettext_lazy("Access"),
    "rows": gettext_lazy("Rows"),
    "roles": gettext_lazy("Roles"),
}

#: (model, ids) → {id: url} for the records the reader may open
Linker = Callable[[type[models.Model], set[str]], dict[str, str]]


@dataclass
class Change:
    field: str
    label: str
    before: str | None
    after: str | None


@dataclass
class HistoryEntry:
    event: AuditEvent
    who: str
    what: str
    record: str
    record_kind: str
    url: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def is_system(self) -> bool:
        return self.event.actor_id is None


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        # a foreign key recorded by its column ("body_id")
        if name.endswith("_id"):
            return _field(model, name[: -len("_id")])
        return None
    return found if isinstance(found, models.Field) else None


def field_label(model: type[models.Model] | None, name: str) -> str:
    found = _field(model, name)
    if found is not None:
        return str(capfirst(found.verbose_name))
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    return str(capfirst(name.replace("_", " ")))


def record_kind_label(model: type[models.Model] | None, object_type: str) -> str:
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def who(event: AuditEvent) -> str:
    """The person's name, or "the platform" for what the platform did by itself."""
    if event.actor_id is None:
        return _("the platform")
    return str(event.actor) if event.actor is not None else event.actor_label


def _ids(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item not in (None, "")]
    return [str(value)]


def _format(
    found: models.Field[Any, Any] | None, value: Any, names: dict[str, str], declared: Any = None
) -> str | None:
    """One recorded value as a person reads it (None: no value)."""
    if value is None or value == "" or value == []:
        return None
    if found is not None and found.is_relation:
        return ", ".join(names.get(pk, pk) for pk in _ids(value))
    if declared or (found is not None and found.choices):
        choices = {str(key): label for key, label in (declared or found.flatchoices)}  # type: ignore[union-attr]
        if isinstance(value, list):
            return ", ".join(str(choices.get(str(item), item)) for item in value)
        return str(choices.get(str(value), value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(found, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(found, models.DateField) and isinstance(value, str):
        day = parse_date(value[:10])
        if day is not None:
            return formats.date_format(day, "DATE_FORMAT")
    if isinstance(found, models.FileField) and isinstance(value, str):
        return os.path.basename(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in sorted(value.items()))
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _related_names(wanted: dict[type[models.Model], set[str]]) -> dict[type[models.Model], dict[str, str]]:
    """{related model: {id: str}}, one query per related model (its own foreign keys joined for `str`)."""
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, ids in wanted.items():
        valid = _keys(related, ids)
        joins = [f.name for f in related._meta.concrete_fields if f.many_to_one or f.one_to_one]
        rows = related._base_manager.select_related(*joins).filter(pk__in=valid) if valid else []
        names[related] = {str(row.pk): str(row) for row in rows}
    return names


def history_entries(events: Sequence[AuditEvent], *, linker: Linker | None = None) -> list[HistoryEntry]:
    """The events (their actor read with them: `select_related("actor")`) as a history, in their order."""
    relations: dict[type[models.Model], set[str]] = defaultdict(set)
    records: dict[type[models.Model], set[str]] = defaultdict(set)
    for event in events:
        model = model_of(event.object_type)
        if model is not None:
            records[model].add(event.object_id)
        for name, value in [*(event.before or {}).items(), *(event.after or {}).items()]:
            found = _field(model, name)
            if found is not None and found.is_relation and found.related_model is not None:
                relations[found.related_model].update(_ids(value))  # type: ignore[index]
    names = _related_names(relations)
    links: dict[type[models.Model], dict[str, str]] = {}
    if linker is not None:
        links = {model: linker(model, ids) for model, ids in records.items()}
    entries = []
    for event in events:
        model = model_of(event.object_type)
        kind = audit_record_kinds.find(event.object_type)
        declared = kind.choices if kind is not None else {}
        before, after = event.before or {}, event.after or {}
        changes = []
        for name in [*before, *(key for key in after if key not in before)]:
            found = _field(model, name)
            known = names.get(found.related_model, {}) if found is not None and found.related_model else {}  # type: ignore[arg-type]
            old = _format(found, before.get(name), known, declared.get(name))
            new = _format(found, after.get(name), known, declared.get(name))
            if name in before and name in after and old == new:
                continue
            changes.append(Change(field=name, label=field_label(model, name), before=old, after=new))
        entries.append(
            HistoryEntry(
                event=event,
                who=who(event),
                what=audit_action_label(event.action),
                record=event.object_repr,
                record_kind=record_kind_label(model, event.object_type),
                url=links.get(model, {}).get(event.object_id, "") if model is not None else "",
                changes=changes,
            )
        )
    return entries


def record_url(model: type[models.Model], record: models.Model) -> str:
    """A record's page: what its kind declares (`core.audit.declare_audit_record`), else its own
    `get_absolute_url`, else none."""
    kind = audit_record_kinds.find(model._meta.label_lower)
    if kind is not None and kind.url is not None:
        return kind.url(record)
    own = getattr(record, "get_absolute_url", None)
    return own() if callable(own) else ""


def portal_linker(user: Any, body: Any) -> Linker:
    """Links to the portal pages of the body's records the person may see (the records' own tenant rule:
    `visible_to`, grants included), one query per kind of record."""

    def link(model: type[models.Model], ids: set[str]) -> dict[str, str]:
        kind = audit_record_kinds.find(model._meta.label_lower)
        if (kind is None or kind.url is None) and not hasattr(model, "get_absolute_url"):
            return {}
        if hasattr(model, "audit_object_id"):  # recorded under a public id, not its key
            return {}
        queryset: Any = model._default_manager.all()
        if model._meta.label_lower == "bodies.body":
            queryset = queryset.filter(pk=body.pk)
        elif hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        elif _field(model, "body") is not None:
            queryset = queryset.filter(body=body)
        else:
            return {}
        return {str(record.pk): record_url(model, record) for record in _by_ids(queryset, model, ids)}

    return link


def admin_linker(request: Any) -> Linker:
    """Links to the back office's page of each record staff may view (one query per kind of record)."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    def link(model: type[models.Model], ids: set[str]) -> dict[str, str]:
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            return {}
        if hasattr(model, "audit_object_id"):
            return {}
        opts = model._meta
        urls = {}
        for pk in _by_ids(model._default_manager.all(), model, ids).values_list("pk", flat=True):
            try:
                urls[str(pk)] = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
            except NoReverseMatch:
                continue
        return urls

    return link


def _keys(model: type[models.Model], ids: Iterable[str]) -> list[Any]:
    """The ids that are keys of the model (a recorded value that is none stays as it was recorded)."""
    keys = []
    for pk in ids:
        with contextlib.suppress(DjangoValidationError):
            keys.append(model._meta.pk.to_python(pk))  # type: ignore[union-attr]
    return keys


def _by_ids(queryset: Any, model: type[models.Model], ids: Iterable[str]) -> Any:
    return queryset.filter(pk__in=_keys(model, ids))
