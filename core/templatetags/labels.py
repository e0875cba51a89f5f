"""`{% load labels %}`: labels of codes and day counts, the same on every page, email and PDF.

{{ membership|label:"roles" }}          a model field's label(s), list fields included
{{ code|label:choices }}                a code (or list of codes) against choices from the context
{{ record.basis|label:"competence.models.Basis" }}   ... or against a choices class named by its path
{{ person.languages|language_names }}   ISO 639-1 codes as language names in the active language
{{ deadline.due_on|days_from_today }}   whole days from today in the active time zone (0 today, -1 yesterday)
{{ deadline.due_on|due_in }}            "today", "tomorrow", "in 3 days", "yesterday", "3 days ago"
{{ token.scopes|scope_labels }}        a token's scopes as (resource, "Read" / "Read and write") pairs
{{ event.action|audit_action }}         an audit action's sentence ("approved the body"), as the trail reads it
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django import template
from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.api.resources import scope_labels as _scope_labels
from core.audit import audit_action_label
from core.dates import days_from_today as _days_from_today
from core.labels import choice_label, field_label

register = template.Library()


@register.filter
def label(value: Any, choices: Any) -> str:
    """The human label of a code: `instance|label:"field"`, `code|label:choices` or `code|label:"app.module.Choices"`
    (a list of codes gives its labels joined)."""
    if isinstance(choices, str):
        if isinstance(value, models.Model):
            return field_label(value, choices)
        choices = _named_choices(choices)
    return choice_label(choices, value)


@register.filter
def audit_action(code: str) -> str:
    """The sentence an audit action reads as after the person's name (declared in `<app>/audit_actions.py`)."""
    return audit_action_label(str(code))


@register.filter
def scope_labels(scopes: Any) -> list[tuple[str, str]]:
    """A token's scopes, each as its resource's label and "Read" or "Read and write"."""
    return _scope_labels(scopes if isinstance(scopes, dict) else {})


@lru_cache(maxsize=64)
def _named_choices(path: str) -> Any:
    return import_string(path)


@register.filter
def language_names(value: Any) -> str:
    """Language codes ("is", "en") as names in the active language ("Icelandic, English"); unknown codes stay."""
    codes = [value] if isinstance(value, str) else list(value or ())
    names = []
    for code in codes:
        info = LANG_INFO.get(code)
        names.append(_(info["name"]) if info and "name" in info else str(code))
    return ", ".join(names)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        from django.utils import timezone

        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


@register.filter
def days_from_today(value: Any) -> int | str:
    day = _as_date(value)
    return _days_from_today(day) if day is not None else ""


@register.filter
def due_in(value: Any) -> str:
    """When a date falls, counted in days from today where the active body is."""
    day = _as_date(value)
    if day is None:
        return ""
    days = _days_from_today(day)
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days == -1:
        return _("yesterday")
    if days > 0:
        return ngettext("in %(days)s day", "in %(days)s days", days) % {"days": days}
    return ngettext("%(days)s day ago", "%(days)s days ago", -days) % {"days": -days}
