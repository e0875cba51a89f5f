"""The notification centre and the deadlines page in the portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Notification
from reminders.selectors import body_today, notification_unread_count
from reminders.services import notification_create

from .conftest import watch


def notify(user, n: int = 1, body=None) -> list[Notification]:  # type: ignore[no-untyped-def]
    made = []
    for i in range(n):
        made.append(
            notification_create(
                user=user,
                key=f"test:{user.pk}:{i}",
                kind="test.note",
                title=f"Note {i} for {user.email}",
                message="Something to know.",
                url="/",
                body=body,
            )
        )
    return made


@pytest.mark.django_db
def test_the_centre_lists_only_my_notifications_newest_first(world, client):
    # given
    mine = notify(world.a.member, 2, body=world.a.body)
    notify(world.a.admin, 1)
    notify(world.b.member, 1)
    Notification.objects.filter(pk=mine[0].pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(world.a.member)

    # when
    response = client.get(reverse("reminders:list"))

    # then
    assert response.status_code == 200
    assert [n.pk for n in response.context["notifications"]] == [mine[1].pk, mine[0].pk]
    assert response.context["unread_count"] == 2
    assert b"Note 0 for member.a@example.org" in response.content
    assert b"admin.a@example.org" not in response.content.split(b'id="notification-list"')[1]
    assert b"list-group-item-primary" in response.content


@pytest.mark.django_db
def test_registry_staff_without_a_body_reach_their_own_centre(world, client):
    # given
    notify(world.staff, 1)
    client.force_login(world.staff)

    # when
    response = client.get(reverse("reminders:list"))

    # then
    assert response.status_code == 200
    assert len(response.context["notifications"]) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 30])
def test_the_centre_runs_a_constant_number_of_queries(world, client, django_assert_num_queries, rows):
    # given
    notify(world.a.member, rows, body=world.a.body)
    client.force_login(world.a.member)

    # when / then: session, user, memberships, count, page, unread count
    with django_assert_num_queries(6):
        response = client.get(reverse("reminders:list"))
    assert response.status_code == 200
    assert len(response.context["notifications"]) == min(rows, 25)


@pytest.mark.django_db
def test_marking_my_notification_read_over_htmx_returns_the_row_and_the_badge(world, client):
    # given
    first, second = notify(world.a.member, 2)
    client.force_login(world.a.member)

    # when
    response = client.post(reverse("reminders:mark-read", args=[first.pk]), HTTP_HX_REQUEST="true")

    # then
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"'.encode() in response.content
    assert b"list-group-item-primary" not in response.content
    assert b'hx-swap-oob="innerHTML"' in response.content
    assert b'data-unread-count="1"' in response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


@pytest.mark.django_db
def test_marking_read_without_htmx_goes_back_to_the_centre(world, client):
    # given
    (note,) = notify(world.a.member)
    client.force_login(world.a.member)

    # when
    response = client.post(reverse("reminders:mark-read", args=[note.pk]))

    # then
    assert response.status_code == 302
    assert response.url == reverse("reminders:list")
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin_a", "member_b", "staff"])
def test_someone_else_s_notification_is_not_found_and_stays_unread(world, client, who):
    # given a notification of body A's member
    (note,) = notify(world.a.member, body=world.a.body)
    client.force_login({"admin_a": world.a.admin, "member_b": world.b.member, "staff": world.staff}[who])

    # when
    response = client.post(reverse("reminders:mark-read", args=[note.pk]), HTTP_HX_REQUEST="true")

    # then
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_mark_all_read_touches_only_my_notifications(world, client):
    # given
    notify(world.a.member, 3)
    notify(world.a.admin, 2)
    client.force_login(world.a.member)

    # when
    response = client.post(reverse("reminders:mark-all-read"))

    # then
    assert response.status_code == 302
    assert notification_unread_count(user=world.a.member) == 0
    assert notification_unread_count(user=world.a.admin) == 2


@pytest.mark.django_db
def test_the_badge_shows_my_unread_count(world, client):
    # given 3 notifications, one of them read
    notes = notify(world.a.member, 3)
    notify(world.a.admin, 5)
    Notification.objects.filter(pk=notes[0].pk).update(read_at=timezone.now())
    client.force_login(world.a.member)

    # when
    response = client.get(reverse("reminders:badge"), HTTP_HX_REQUEST="true")

    # then
    assert response.status_code == 200
    assert response.context["unread_count"] == 2
    assert b'data-unread-count="2"' in response.content


@pytest.mark.django_db
def test_the_badge_is_empty_with_nothing_unread(world, client):
    # given
    client.force_login(world.a.member)

    # when
    response = client.get(reverse("reminders:badge"))

    # then
    assert response.status_code == 200
    assert response.content.strip() == b""


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_log_in_and_nothing_changes(world, client):
    # given
    (note,) = notify(world.a.member)

    # when
    responses = [
        client.get(reverse("reminders:list")),
        client.get(reverse("reminders:badge")),
        client.post(reverse("reminders:mark-read", args=[note.pk])),
        client.post(reverse("reminders:mark-all-read")),
    ]

    # then
    assert [r.status_code for r in responses] == [302, 302, 302, 302]
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_the_deadlines_page_shows_the_active_body_s_upcoming_and_overdue_deadlines(world, client):
    # given body A: one overdue, one due in 10 days, one too far away; body B: one due in 10 days
    today = body_today(world.a.body)
    overdue = watch(world.a.body, due_on=today - timedelta(days=3), certificate_number="VVB-OLD")
    soon = watch(world.a.body, due_on=today + timedelta(days=10), certificate_number="VVB-SOON")
    watch(world.a.body, due_on=today + timedelta(days=400), certificate_number="VVB-LATER")
    watch(world.b.body, due_on=today + timedelta(days=10), certificate_number="VVB-B")
    client.force_login(world.a.member)

    # when
    response = client.get(reverse("reminders:deadlines"))

    # then
    assert response.status_code == 200
    assert [row["deadline"].pk for row in response.context["rows"]] == [overdue.pk, soon.pk]
    assert b"VVB-OLD" in response.content
    assert b"overdue by 3 days" in response.content
    assert b"in 10 days" in response.content
    assert b"VVB-B" not in response.content
    assert b"VVB-LATER" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 12])
def test_the_deadlines_page_runs_a_constant_number_of_queries(world, client, django_assert_num_queries, rows):
    # given
    today = body_today(world.a.body)
    for i in range(rows):
        watch(world.a.body, due_on=today + timedelta(days=i))
    client.force_login(world.a.member)

    # when / then: session, user, memberships, the person's body ids (read once per request, for the rule on
    # personal deadlines), count, page, subjects
    with django_assert_num_queries(7):
        response = client.get(reverse("reminders:deadlines"))
    assert len(response.context["rows"]) == rows
