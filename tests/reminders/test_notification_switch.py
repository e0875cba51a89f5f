"""Opening a notification about another of one's bodies switches to that body and goes to the record, instead
of the 404 its page gives while working for the other body."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bodies.middleware import SESSION_KEY
from bodies.models import Membership
from reminders.models import Notification
from reminders.services import notification_create

pytestmark = pytest.mark.django_db


def _notify(user, body, url: str, key: str = "switch-test") -> Notification:  # type: ignore[no-untyped-def]
    notification = notification_create(
        user=user, key=key, kind="test", title="About body B", url=url, body=body
    )
    assert notification is not None
    return notification


def _active(client) -> str | None:  # type: ignore[no-untyped-def]
    return client.session.get(SESSION_KEY)


def test_opening_switches_to_the_notifications_body_and_goes_to_the_record(world, freelancer, login):
    record_page = reverse("competence:record-detail", args=[freelancer.record_b.pk])
    notification = _notify(freelancer.user, world.b.body, record_page)
    client = login(freelancer.user)
    # working for body A (the first of their bodies), body B's record is not found
    assert client.get(reverse("core:dashboard")).context["body"] == world.a.body
    assert client.get(record_page).status_code == 404
    # opening the notification reads it, switches to body B and goes to the record
    response = client.get(reverse("reminders:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == record_page
    assert _active(client) == str(world.b.body.pk)
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = client.get(record_page)
    assert page.status_code == 200
    assert page.context["body"] == world.b.body


def test_a_notification_of_the_active_body_goes_straight_to_its_page(world, freelancer, login):
    record_page = reverse("competence:record-detail", args=[freelancer.record_a.pk])
    notification = _notify(freelancer.user, world.a.body, record_page)
    client = login(freelancer.user)
    client.get(reverse("core:dashboard"))
    response = client.get(reverse("reminders:open", args=[notification.pk]))
    assert response["Location"] == record_page
    assert client.get(record_page).context["body"] == world.a.body


def test_no_switch_into_a_body_one_no_longer_works_for(world, freelancer, login):
    record_page = reverse("competence:record-detail", args=[freelancer.record_b.pk])
    notification = _notify(freelancer.user, world.b.body, record_page)
    Membership.objects.filter(pk=freelancer.in_b.pk).update(status=Membership.Status.SUSPENDED)
    client = login(freelancer.user)
    response = client.get(reverse("reminders:open", args=[notification.pk]), follow=True)
    assert response.redirect_chain == [(reverse("reminders:list"), 302)]
    assert _active(client) != str(world.b.body.pk)
    assert "no longer work for" in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", ""]
)
def test_only_local_pages_are_opened(world, freelancer, login, url):
    notification = _notify(freelancer.user, world.b.body, url)
    client = login(freelancer.user)
    response = client.get(reverse("reminders:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:list")


def test_someone_elses_notification_is_not_found_and_stays_unread(world, freelancer, login):
    notification = _notify(freelancer.user, world.b.body, reverse("core:dashboard"))
    client = login(world.b.admin)
    assert client.get(reverse("reminders:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_the_notification_centre_links_through_the_open_view(world, freelancer, login):
    notification = _notify(freelancer.user, world.b.body, reverse("core:dashboard"))
    page = login(freelancer.user).get(reverse("reminders:list")).content.decode()
    assert reverse("reminders:open", args=[notification.pk]) in page
