"""The dashboard's panels: declared by each app with `core.panels`, shown in order, permission-gated, and
rendered with a constant number of queries however much the body holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from bodies.deadlines import ACCREDITATION_EXPIRY
from core import panels
from core.panels import Panel
from reminders.models import Notification
from reminders.services import deadline_upsert
from tests.factories import AccreditationFactory, today
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def _nothing(request, body):  # type: ignore[no-untyped-def]
    return {}


@pytest.fixture
def audit_panel():  # type: ignore[no-untyped-def]
    """A panel of a test's own, only for people who may read the audit trail (body administrators)."""
    panel = panels.register(
        Panel(
            key="tests.secret",
            template_name="reminders/partials/_badge.html",
            context=lambda request, body: {"unread_count": 4242},
            order=5,
            permission="view_audit_trail",
        )
    )
    yield panel
    panels.unregister("tests.secret")


def test_the_apps_declare_their_panels_in_dashboard_order() -> None:
    # when
    keys = [panel.key for panel in panels.all_panels()]
    # then
    assert keys == ["bodies.approval", "reminders.deadlines", "reminders.notifications", "bodies.links"]


def test_two_different_panels_may_not_claim_one_key() -> None:
    # given
    taken = panels.all_panels()[0]
    # when / then
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        panels.register(Panel(key=taken.key, template_name="core/home.html", context=_nothing))
    assert panels.all_panels()[0] is taken


def test_declaring_the_same_panel_twice_is_harmless() -> None:
    # given
    before = panels.all_panels()
    # when
    panels.register(before[0])
    # then
    assert panels.all_panels() == before


def test_the_dashboard_shows_each_panel_with_its_own_context(login, world):  # type: ignore[no-untyped-def]
    # given two active accreditations, one due soon, and a notification for the member
    soon = AccreditationFactory(body=world.a.body)
    AccreditationFactory(body=world.a.body)
    deadline_upsert(
        kind=ACCREDITATION_EXPIRY, subject=soon, body=world.a.body, due_on=today() + timedelta(days=10)
    )
    Notification.objects.create(
        key="tests.dashboard", user=world.a.member, body=world.a.body, kind="tests", title="Look at this"
    )
    # when
    html = login(world.a.member).get(reverse("core:dashboard")).content.decode()
    # then the panels appear in their order, each with what its context gave it
    positions = [
        html.index(marker)
        for marker in (
            'id="status-heading"',
            'id="deadlines-heading"',
            'id="notifications-heading"',
            'id="links-heading"',
        )
    ]
    assert positions == sorted(positions)
    assert "<dt>Verified, active accreditations</dt>\n      <dd>2</dd>" in html
    assert "Accreditation expiry" in html
    assert "Deadlines in the next 120 days" in html
    assert "Look at this" in html


def test_a_panel_with_a_permission_is_shown_only_to_people_who_hold_it(login, world, audit_panel):  # type: ignore[no-untyped-def]
    # when
    admin_html = login(world.a.admin).get(reverse("core:dashboard")).content.decode()
    member_html = login(world.a.member).get(reverse("core:dashboard")).content.decode()
    # then
    marker = 'data-unread-count="4242"'
    assert marker in admin_html
    assert marker not in member_html


def test_the_dashboard_costs_the_same_queries_however_much_the_body_holds(login, world):  # type: ignore[no-untyped-def]
    # given a body with one accreditation due soon and one notification
    client = login(world.a.admin)

    def grow(n: int) -> None:
        for i in range(n):
            accreditation = AccreditationFactory(body=world.a.body)
            deadline_upsert(
                kind=ACCREDITATION_EXPIRY,
                subject=accreditation,
                body=world.a.body,
                due_on=today() + timedelta(days=5 + i),
            )
            Notification.objects.create(
                key=f"tests.grow.{accreditation.pk}",
                user=world.a.admin,
                body=world.a.body,
                kind="t",
                title=f"N{i}",
            )

    grow(1)
    count_queries(client, reverse("core:dashboard"))  # warm the session and caches
    few = count_queries(client, reverse("core:dashboard"))
    # when ten times as much is due
    grow(10)
    many = count_queries(client, reverse("core:dashboard"))
    # then
    assert many == few
