"""Portal forms of the webhooks engine: a subscription, and the delivery log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DeliveryStatus
from .registry import event_choices


class SubscriptionForm(forms.Form):
    """A subscription's URL, description, events and whether it is active (the services check them)."""

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where ICR Conformity POSTs the events: an https:// address on the public internet."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives the events, so your colleagues recognise it."),
    )
    events = forms.MultipleChoiceField(label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=())
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A paused subscription keeps its deliveries waiting until it is active again."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "events"
        ].choices = event_choices()  # read per form: capabilities declare them at start-up


class DeliveryFilterForm(forms.Form):
    """The delivery log's filters: status, event, subscription."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DeliveryStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    event = forms.ChoiceField(
        label=_("Event"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    subscription = forms.ChoiceField(
        label=_("Subscription"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args: Any, subscriptions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("Any event")), *event_choices(subscribable=False)]
        self.fields["subscription"].choices = [("", _("Any subscription")), *subscriptions]
