"""The audit trail's filters (portal page and CSV export): by person, kind of record, action and dates.

A value that is not one of the choices, or a date that is no date, is a form error the page shows (400),
never silently ignored.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .audit import audit_actions, audit_record_kinds
from .audit_history import model_of
from .models import AuditEvent

#: the person filter's value for what the platform did by itself
PLATFORM = "platform"


class AuditTrailFilterForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end cannot be before the start."))
        return cleaned


def action_choices() -> list[tuple[str, str]]:
    """Every declared action, by its sentence."""
    return sorted(
        ((action.code, str(capfirst(str(action.label)))) for action in audit_actions.all()),
        key=lambda choice: choice[1].lower(),
    )


def record_kind_choices() -> list[tuple[str, str]]:
    """Every declared kind of record, by its name."""
    choices = []
    for kind in audit_record_kinds.all():
        model = model_of(kind.model)
        if model is not None:
            choices.append((kind.model, str(capfirst(model._meta.verbose_name))))
    return sorted(choices, key=lambda choice: choice[1].lower())


class AuditEventFilter(django_filters.FilterSet):
    """Filters one trail (`queryset`: the events the reader may see; `people`: whom the person filter offers)."""

    actor = django_filters.ModelChoiceFilter(
        label=_("Person"),
        queryset=get_user_model().objects.none(),
        null_label=_("The platform"),
        null_value=PLATFORM,
        empty_label=_("Anyone"),
    )
    object_type = django_filters.ChoiceFilter(
        label=_("Kind of record"), choices=record_kind_choices, empty_label=_("Any record")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=action_choices, empty_label=_("Any action")
    )
    date_from = django_filters.DateFilter(
        label=_("From"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        label=_("To"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "object_type", "action", "date_from", "date_to"]
        form = AuditTrailFilterForm

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["actor"].queryset = people  # type: ignore[attr-defined]
        for bound in self.form.fields.values():
            css = "form-select" if isinstance(bound.widget, forms.Select) else "form-control"
            bound.widget.attrs.setdefault("class", css)


def trail_people(events: QuerySet[AuditEvent]) -> QuerySet[Any]:
    """The people who appear in a trail (one query when the choices are drawn), by name."""
    return (
        get_user_model()
        .objects.filter(pk__in=events.filter(actor__isnull=False).values("actor_id"))
        .order_by("full_name", "email")
    )
