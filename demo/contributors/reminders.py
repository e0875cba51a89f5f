"""The reminders engine's part of the demo data: once everything is committed, one sweep sends the reminders
that are already due, so the demo opens with notifications."""

from __future__ import annotations

from django.db import transaction

from reminders.services import deadlines_sweep

from ..registry import Contributor, DemoContext, register


def load(context: DemoContext) -> None:
    transaction.on_commit(deadlines_sweep)


register(Contributor(key="reminders", order=1000, load=load))
