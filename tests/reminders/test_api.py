"""The notifications and deadlines endpoints of the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from bodies.deadlines import ACCREDITATION_EXPIRY
from reminders.models import Notification
from reminders.services import notification_create

from .conftest import watch


def notify(user, n: int = 1) -> list[Notification]:  # type: ignore[no-untyped-def]
    return [
        notification_create(user=user, key=f"api:{user.pk}:{i}", kind="test.note", title=f"Note {i}", url="/")
        for i in range(n)
    ]


def token_for(world, scopes: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """A token of body A (made directly: these tests are about what it can reach, not how it is made)."""
    _token, secret = ApiToken.objects.create_key(
        name="Sync",
        body=world.a.body,
        created_by=world.a.admin,
        scopes=scopes,
        expiry_date=timezone.now() + timedelta(days=30),
    )
    return secret


@pytest.mark.django_db
def test_the_list_shows_only_my_notifications_in_the_envelope(world, api):
    # given
    mine = notify(world.a.member, 2)
    notify(world.b.member, 3)
    api.force_authenticate(world.a.member)

    # when
    response = api.get("/api/v1/notifications/")

    # then
    assert response.status_code == 200
    data = response.json()
    assert sorted(n["id"] for n in data["notifications"]) == sorted(str(n.pk) for n in mine)
    assert data["pagination"] == {
        "total": 2,
        "currentPage": 1,
        "pageCount": 1,
        "nextPage": None,
        "prevPage": None,
    }
    assert set(data["notifications"][0]) == {
        "id",
        "kind",
        "kindLabel",
        "title",
        "message",
        "url",
        "body",
        "bodyName",
        "deadline",
        "offsetDays",
        "createdAt",
        "readAt",
        "isRead",
    }


@pytest.mark.django_db
def test_the_list_filters_unread(world, api):
    # given
    read, unread = notify(world.a.member, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    api.force_authenticate(world.a.member)

    # when
    only_unread = api.get("/api/v1/notifications/?unread=true").json()["notifications"]
    only_read = api.get("/api/v1/notifications/?unread=false").json()["notifications"]

    # then
    assert [n["id"] for n in only_unread] == [str(unread.pk)]
    assert [n["id"] for n in only_read] == [str(read.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_the_notification_list_runs_a_constant_number_of_queries(world, api, django_assert_num_queries, rows):
    # given
    notify(world.a.member, rows)
    api.force_authenticate(world.a.member)

    # when / then: count, page
    with django_assert_num_queries(2):
        response = api.get("/api/v1/notifications/")
    assert len(response.json()["notifications"]) == rows


@pytest.mark.django_db
def test_marking_read_over_the_api(world, api):
    # given
    (note,) = notify(world.a.member)
    api.force_authenticate(world.a.member)

    # when
    response = api.post(f"/api/v1/notifications/{note.pk}/read/")

    # then
    assert response.status_code == 200
    assert response.json()["isRead"] is True
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_someone_else_s_notification_is_not_found_over_the_api_and_stays_unread(world, api):
    # given
    (note,) = notify(world.a.member)
    api.force_authenticate(world.b.admin)

    # when
    response = api.post(f"/api/v1/notifications/{note.pk}/read/")

    # then
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_read_all_over_the_api_counts_and_touches_only_mine(world, api):
    # given
    notify(world.a.member, 3)
    notify(world.a.admin, 1)
    api.force_authenticate(world.a.member)

    # when
    response = api.post("/api/v1/notifications/read-all/")

    # then
    assert response.status_code == 200
    assert response.json() == {"updated": 3}
    assert Notification.objects.filter(user=world.a.admin, read_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_a_bearer_token_cannot_read_anyone_s_notifications(world, api):
    # given a token of body A's admin with every scope that exists for deadlines
    (note,) = notify(world.a.admin)
    secret = token_for(world, {"deadlines": "write"})
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    # when
    listing = api.get("/api/v1/notifications/")
    marking = api.post(f"/api/v1/notifications/{note.pk}/read/")

    # then
    assert (listing.status_code, marking.status_code) == (403, 403)
    note.refresh_from_db()
    assert note.read_at is None


@pytest.mark.django_db
def test_anonymous_callers_are_refused(world, api):
    # when
    response = api.get("/api/v1/notifications/")

    # then
    assert response.status_code in (401, 403)
    assert api.post("/api/v1/notifications/read-all/").status_code == response.status_code


@pytest.mark.django_db
def test_deadlines_are_listed_per_tenant_and_filtered(world, api):
    # given
    a_soon = watch(world.a.body, due_on=date(2030, 1, 10))
    a_late = watch(world.a.body, due_on=date(2030, 6, 10))
    b = watch(world.b.body, due_on=date(2030, 1, 10))
    api.force_authenticate(world.a.member)

    # when
    everything = api.get("/api/v1/deadlines/").json()
    filtered = api.get(
        f"/api/v1/deadlines/?kind={ACCREDITATION_EXPIRY}&due_after=2030-01-01&due_before=2030-01-31"
    ).json()
    other_kind = api.get("/api/v1/deadlines/?kind=complaints.acknowledgement").json()
    other_tenant = api.get(f"/api/v1/deadlines/{b.pk}/")

    # then
    assert [d["id"] for d in everything["deadlines"]] == [str(a_soon.pk), str(a_late.pk)]
    assert everything["deadlines"][0] == {
        "id": str(a_soon.pk),
        "kind": ACCREDITATION_EXPIRY,
        "kindLabel": "Accreditation expiry",
        "body": str(world.a.body.pk),
        "subjectType": "bodies.accreditation",
        "subjectId": a_soon.subject_id,
        "dueOn": "2030-01-10",
        "timeZone": "Atlantic/Reykjavik",
        "nextReminderOn": "2029-10-12",
        "lastOffsetFired": None,
        "closedAt": None,
        "createdAt": everything["deadlines"][0]["createdAt"],
        "updatedAt": everything["deadlines"][0]["updatedAt"],
    }
    assert [d["id"] for d in filtered["deadlines"]] == [str(a_soon.pk)]
    assert other_kind["deadlines"] == []
    assert other_tenant.status_code == 404


@pytest.mark.django_db
def test_registry_staff_see_every_body_s_deadlines(world, api):
    # given
    watch(world.a.body)
    watch(world.b.body)
    api.force_authenticate(world.staff)

    # when
    response = api.get("/api/v1/deadlines/")

    # then
    assert response.json()["pagination"]["total"] == 2


@pytest.mark.django_db
def test_a_token_with_the_deadlines_scope_reads_its_own_body_s_deadlines(world, api):
    # given
    mine = watch(world.a.body)
    watch(world.b.body)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(world, {'deadlines': 'read'})}")

    # when
    response = api.get("/api/v1/deadlines/")

    # then
    assert response.status_code == 200
    assert [d["id"] for d in response.json()["deadlines"]] == [str(mine.pk)]


@pytest.mark.django_db
def test_a_token_without_the_deadlines_scope_is_refused(world, api):
    # given
    watch(world.a.body)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(world, {'bodies': 'read'})}")

    # when
    response = api.get("/api/v1/deadlines/")

    # then
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 15])
def test_the_deadline_list_runs_a_constant_number_of_queries(world, api, django_assert_num_queries, rows):
    # given
    for _ in range(rows):
        watch(world.a.body)
    api.force_authenticate(world.a.member)

    # when / then: the caller's bodies (read once per request: core.tenancy.visible_body_ids), count, page
    with django_assert_num_queries(3):
        response = api.get("/api/v1/deadlines/")
    assert response.json()["pagination"]["total"] == rows
