"""Per-object grants (core.tenancy.ObjectGrants, core.grants), proved on API tokens.

A token is seen by the body's token managers (`manage_api_tokens`) and by a person granted that one token; every
other member of the body gets 404 for it, like another body's people; a list costs the same queries however
many grants exist.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse

from accounts.models import ApiToken, ApiTokenUserObjectPermission
from core.errors import PermissionDenied, ValidationError
from core.grants import object_grant, object_grantees, object_revoke
from core.models import AuditEvent
from core.tenancy import get_visible_or_404
from tests.helpers import assert_flat_queries, listed_ids, make_token, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(world):  # type: ignore[no-untyped-def]
    """Two tokens of body A; member A is granted the first."""
    shared, _ = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    other, _ = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    assert object_grant(obj=shared, user=world.a.member, actor=world.a.admin) is True
    return shared, other


def _state() -> tuple[int, int, int]:
    return (
        AuditEvent.objects.count(),
        ApiTokenUserObjectPermission.objects.count(),
        ApiToken.objects.filter(revoked=True).count(),
    )


def test_the_granted_person_sees_only_their_token(world, tokens, auditor_a):
    # given
    shared, other = tokens
    # when
    granted = listed_ids(signed_in(world.a.member).get(url("token-list")), "tokens")
    not_granted = listed_ids(signed_in(auditor_a.user).get(url("token-list")), "tokens")
    manager = listed_ids(signed_in(world.a.admin).get(url("token-list")), "tokens")
    other_body = listed_ids(signed_in(world.b.admin).get(url("token-list")), "tokens")
    staff = listed_ids(signed_in(world.staff).get(url("token-list")), "tokens")
    # then
    assert granted == {str(shared.uuid)}
    assert not_granted == set()
    assert manager == {str(shared.uuid), str(other.uuid)}
    assert other_body == set()
    assert {str(shared.uuid), str(other.uuid)} <= staff


def test_one_token_through_the_single_object_helper(world, tokens, auditor_a):
    # given
    shared, other = tokens

    def one(user, token):  # type: ignore[no-untyped-def]
        return get_visible_or_404(ApiToken.objects.visible_to(user), uuid=token.uuid)

    # then: granted → found; not granted, other body → 404; manager → every token
    assert one(world.a.member, shared) == shared
    for user, token in [
        (world.a.member, other),
        (auditor_a.user, shared),
        (world.b.admin, shared),
        (world.b.member, shared),
    ]:
        with pytest.raises(Http404):
            one(user, token)
    assert (one(world.a.admin, shared), one(world.a.admin, other)) == (shared, other)
    # the portal's form of the same question
    portal = ApiToken.objects.for_body(world.a.body).granted_to(world.a.member)
    assert list(portal) == [shared]


def test_a_queryset_that_skipped_the_grants_is_refused(world, tokens):
    # given
    shared, _other = tokens
    # then: no view can forget the grants
    with pytest.raises(ImproperlyConfigured):
        get_visible_or_404(ApiToken.objects.for_body(world.a.body), uuid=shared.uuid)
    with pytest.raises(ImproperlyConfigured):
        get_visible_or_404(ApiToken.objects.all(), uuid=shared.uuid)
    # and the mark survives further filtering
    chained = ApiToken.objects.visible_to(world.a.member).filter(revoked=False).select_related("body")
    assert get_visible_or_404(chained, uuid=shared.uuid) == shared


def test_a_granted_person_sees_but_cannot_revoke_and_others_get_404(world, tokens, auditor_a):
    # given
    shared, other = tokens
    before = _state()
    # when
    granted = signed_in(world.a.member).post(url("token-revoke", shared.uuid))
    not_granted = signed_in(world.a.member).post(url("token-revoke", other.uuid))
    colleague = signed_in(auditor_a.user).post(url("token-revoke", shared.uuid))
    other_body = signed_in(world.b.admin).post(url("token-revoke", shared.uuid))
    # then
    assert granted.status_code == 403
    assert (not_granted.status_code, colleague.status_code, other_body.status_code) == (404, 404, 404)
    assert _state() == before


def test_the_portal_token_page_stays_for_token_managers(world, tokens, login):
    # given
    shared, _other = tokens
    before = _state()
    # when
    page = login(world.a.member).get(reverse("bodies:tokens"))
    revoke = login(world.a.member).post(reverse("bodies:token-revoke", args=[shared.uuid]))
    # then
    assert (page.status_code, revoke.status_code) == (403, 403)
    assert _state() == before


def test_the_list_costs_the_same_queries_however_many_grants(world, auditor_a):
    # given
    client = signed_in(auditor_a.user)

    def grant_more(count: int) -> None:
        for _ in range(count):
            token, _ = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
            object_grant(obj=token, user=auditor_a.user, actor=world.a.admin)

    # then
    assert_flat_queries(client, url("token-list"), grant_more)
    assert len(listed_ids(client.get(url("token-list")), "tokens")) == 10


def test_the_grant_filter_is_one_statement(world, tokens, django_assert_num_queries):
    # given
    shared, _other = tokens
    # then: the grants and the body-wide permission are subqueries of the one SELECT (no query of their own)
    with django_assert_num_queries(1):
        assert list(ApiToken.objects.for_body(world.a.body).granted_to(world.a.member)) == [shared]


def test_granting_is_audited_and_revoking_takes_the_token_away(world, tokens):
    # given
    shared, _other = tokens
    # when
    again = object_grant(obj=shared, user=world.a.member, actor=world.a.admin)
    grantees = list(object_grantees(shared))
    removed = object_revoke(obj=shared, user=world.a.member, actor=world.a.admin)
    # then
    assert again is False  # granting twice changes nothing
    assert grantees == [world.a.member]
    assert removed is True
    assert list(ApiToken.objects.visible_to(world.a.member)) == []
    events = AuditEvent.objects.filter(action__startswith="core.object_grant").order_by("sequence")
    assert [(e.action, e.object_id, e.body_id) for e in events] == [
        ("core.object_grant.added", str(shared.uuid), world.a.body.pk),
        ("core.object_grant.removed", str(shared.uuid), world.a.body.pk),
    ]
    assert events[0].after == {"user": "member.a@example.org", "permission": "view_apitoken"}


def test_only_a_token_manager_grants_and_only_to_a_member_of_the_body(world, tokens):
    # given
    shared, _other = tokens
    before = _state()
    # when / then
    with pytest.raises(PermissionDenied):
        object_grant(obj=shared, user=world.a.member, actor=world.a.member)
    with pytest.raises(PermissionDenied):
        object_revoke(obj=shared, user=world.a.member, actor=world.b.admin)
    with pytest.raises(ValidationError) as refused:
        object_grant(obj=shared, user=world.b.member, actor=world.a.admin)
    assert refused.value.message_dict == {"user": ["Only an active member of Body A can be given access."]}
    assert _state() == before


def test_a_model_without_a_direct_grant_table_cannot_declare_grants():
    from bodies.models import Membership
    from core.tenancy import user_grant_table

    assert user_grant_table(ApiToken) is ApiTokenUserObjectPermission
    with pytest.raises(ImproperlyConfigured):
        user_grant_table(Membership)
