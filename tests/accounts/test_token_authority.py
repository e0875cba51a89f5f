"""A body's token stands on its creator's authority (issue 11 §1): it stops working the moment its creator
leaves the body, is suspended, or loses the role that allowed creating it (`manage_api_tokens`); the token
lapses for good, the body's administrators are told which tokens lapsed and re-issue them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import remove_perm
from rest_framework.test import APIRequestFactory

from accounts.authentication import BearerTokenAuthentication
from accounts.models import ApiToken
from bodies.models import Membership, Role
from bodies.services.memberships import membership_set_roles, membership_set_status
from core.models import AuditEvent
from reminders.models import Notification
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import bearer, make_token, signed_in, url

pytestmark = pytest.mark.django_db

LOST = {
    "code": "token_creator_lost_authority",
    "message": "The person who created this token no longer holds the authority to create it; "
    "the body's administrators can issue a new one.",
    "fieldErrors": {},
}


@pytest.fixture
def second_admin(world):  # type: ignore[no-untyped-def]
    """A second administrator of body A, who creates the token (A's first administrator stays)."""
    user = UserFactory(email="admin2.a@example.org", full_name="Second Admin A")
    return MembershipFactory(user=user, body=world.a.body, roles=[Role.BODY_ADMIN])


def test_a_token_of_a_creator_whose_membership_ended_no_longer_lists_people(world, second_admin):
    # given a people-reading token made by A's second administrator, which lists A's people today
    token, secret = make_token(body=world.a.body, creator=second_admin.user, scopes={"people": "read"})
    client = bearer(secret)
    assert client.get(url("person-list")).status_code == 200

    # when the creator's membership ends
    membership_set_status(membership=second_admin, status=Membership.Status.LEFT, actor=world.a.admin)

    # then the token is refused, with a code an integrator can branch on, and lists nobody
    response = client.get(url("person-list"))
    assert response.status_code == 401
    assert response.json() == LOST
    assert b"member.a@example.org" not in response.content
    token.refresh_from_db()
    assert token.lapsed_at is not None
    assert token.revoked is False


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda m, actor: membership_set_status(
                membership=m, status=Membership.Status.SUSPENDED, actor=actor
            ),
            id="suspended",
        ),
        pytest.param(
            lambda m, actor: membership_set_roles(membership=m, roles=[Role.AUDITOR], actor=actor),
            id="admin-role-removed",
        ),
    ],
)
def test_suspension_or_losing_the_admin_role_lapses_the_creators_tokens(world, second_admin, change):
    # given two tokens of the second administrator and one of the first
    lost_one, lost_one_secret = make_token(
        body=world.a.body, creator=second_admin.user, scopes={"people": "read"}
    )
    lost_two, _ = make_token(body=world.a.body, creator=second_admin.user, scopes={"bodies": "read"})
    _, kept_secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "read"})
    ApiToken.objects.filter(pk=lost_two.pk).update(name="Nightly export")

    # when the creator is suspended or loses the administrator role
    change(second_admin, world.a.admin)

    # then only the creator's tokens lapse, each with an audit event on the body's chain
    assert bearer(lost_one_secret).get(url("person-list")).status_code == 401
    assert bearer(kept_secret).get(url("person-list")).status_code == 200
    lapsed = set(ApiToken.objects.filter(lapsed_at__isnull=False).values_list("pk", flat=True))
    assert lapsed == {lost_one.pk, lost_two.pk}
    events = AuditEvent.objects.filter(action="accounts.api_token.lapsed")
    assert sorted(e.object_id for e in events) == sorted([str(lost_one.uuid), str(lost_two.uuid)])
    assert {e.body_id for e in events} == {world.a.body.pk}
    assert {e.actor_id for e in events} == {world.a.admin.pk}
    # and the body's active administrators are told once, the message naming the lapsed tokens
    notices = Notification.objects.filter(kind="bodies.api_tokens.lapsed")
    assert [n.user_id for n in notices] == [world.a.admin.pk]
    assert "Registry sync" in notices[0].message
    assert "Nightly export" in notices[0].message
    assert "Second Admin A" in notices[0].message


def test_a_role_change_that_keeps_the_authority_lapses_nothing(world, second_admin):
    # given a token of the second administrator
    token, secret = make_token(body=world.a.body, creator=second_admin.user, scopes={"people": "read"})

    # when a role is added and the administrator role kept
    membership_set_roles(membership=second_admin, roles=[Role.BODY_ADMIN, Role.AUDITOR], actor=world.a.admin)

    # then the token still works and nobody is told
    assert bearer(secret).get(url("person-list")).status_code == 200
    token.refresh_from_db()
    assert token.lapsed_at is None
    assert not AuditEvent.objects.filter(action="accounts.api_token.lapsed").exists()
    assert not Notification.objects.filter(kind="bodies.api_tokens.lapsed").exists()


def test_a_lapsed_token_stays_lapsed_when_the_creator_returns(world, second_admin):
    # given a token that lapsed when its creator was suspended
    token, secret = make_token(body=world.a.body, creator=second_admin.user, scopes={"people": "read"})
    membership_set_status(membership=second_admin, status=Membership.Status.SUSPENDED, actor=world.a.admin)

    # when the creator is made active again
    membership_set_status(membership=second_admin, status=Membership.Status.ACTIVE, actor=world.a.admin)

    # then the old token stays refused (lapsed once, when the creator was suspended); a new one works
    assert bearer(secret).get(url("person-list")).json() == LOST
    token.refresh_from_db()
    assert token.lapsed_at is not None
    assert AuditEvent.objects.filter(action="accounts.api_token.lapsed").count() == 1
    _, fresh = make_token(body=world.a.body, creator=second_admin.user, scopes={"people": "read"})
    assert bearer(fresh).get(url("person-list")).status_code == 200


def test_the_authentication_itself_refuses_a_creator_without_the_grant(world, second_admin):
    # given a token whose creator lost the grant by a path that skipped the membership services
    token, secret = make_token(body=world.a.body, creator=second_admin.user, scopes={"people": "read"})
    remove_perm("bodies.manage_api_tokens", second_admin.user, world.a.body)

    # when it is used, then the authentication refuses it though it never lapsed
    response = bearer(secret).get(url("person-list"))
    assert response.status_code == 401
    assert response.json() == LOST
    token.refresh_from_db()
    assert token.lapsed_at is None


def test_a_token_of_a_registry_staff_creator_on_a_body_keeps_working(world):
    # given a body token made by registry staff (who hold every body permission without a membership)
    _, secret = make_token(body=world.a.body, creator=world.staff, scopes={"people": "read"})

    # then it works
    assert bearer(secret).get(url("person-list")).status_code == 200


def test_the_creators_authority_is_read_with_the_token_in_one_query(world):
    # given a valid token
    _, secret = make_token(body=world.a.body, creator=world.a.admin, scopes={"people": "read"})
    request = APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {secret}")

    # when it is authenticated
    with CaptureQueriesContext(connection) as captured:
        user, token = BearerTokenAuthentication().authenticate(request)  # type: ignore[misc]

    # then one query reads the token, its creator and the creator's authority; one records its use
    assert user == world.a.admin
    assert token.creator_holds_authority is True
    assert len(captured.captured_queries) == 2
    lookup = captured.captured_queries[0]["sql"]
    assert "manage_api_tokens" in lookup
    assert lookup.upper().count("EXISTS") == 2  # the creator's own grant, or a group's
    assert captured.captured_queries[1]["sql"].upper().startswith("UPDATE")


def test_the_administrators_see_which_tokens_lapsed(login, world, second_admin):
    # given a token that lapsed with its creator's membership
    token, _ = make_token(body=world.a.body, creator=second_admin.user, scopes={"people": "read"})
    membership_set_status(membership=second_admin, status=Membership.Status.LEFT, actor=world.a.admin)

    # when the remaining administrator reads the tokens in the API and on the portal's tokens page
    listed = signed_in(world.a.admin).get(url("token-list")).json()["tokens"]
    html = login(world.a.admin).get(reverse("bodies:tokens")).content.decode()
    notice = Notification.objects.get(kind="bodies.api_tokens.lapsed")

    # then the token is marked lapsed, with no revoke button, and the notice links to that page
    assert [(t["id"], t["lapsedAt"] is not None, t["revoked"]) for t in listed] == [
        (str(token.uuid), True, False)
    ]
    assert "Lapsed" in html
    assert reverse("bodies:token-revoke", args=[token.uuid]) not in html
    assert notice.url == reverse("bodies:tokens")
