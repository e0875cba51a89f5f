"""The role → permission registry (`core.roles`): each app declares its own grants, the kernel's sync reads
the whole table, and the grants every role carries are the same as when they were one table in bodies."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from guardian.shortcuts import get_perms

from bodies.models import Membership, Role
from bodies.services import _sync_grants
from core import roles
from tests.factories import BodyFactory, MembershipFactory, UserFactory

BODY_ADMIN_GRANTS = {
    "view_body",
    "manage_body",
    "manage_accreditations",
    "manage_members",
    "manage_api_tokens",
    "view_audit_trail",
    "manage_competence",
    "manage_clients",
    "review_declarations",
    "manage_impartiality",
    "manage_engagements",
    "view_all_engagements",
    "manage_certificates",
}
#: an impartiality committee member reviews declarations and keeps the register and the committee
COMMITTEE_GRANTS = {"view_body", "review_declarations", "manage_impartiality"}
#: independent reviewers and decision makers read every engagement of the body
READS_ENGAGEMENTS = {"view_body", "view_all_engagements"}


def test_the_whole_table_is_the_kernel_entries_and_what_each_capability_granted() -> None:
    # when
    table = roles.role_permissions()
    # then
    assert table == {
        Role.BODY_ADMIN: (
            "manage_body",
            "manage_members",
            "manage_api_tokens",
            "view_audit_trail",
            "manage_accreditations",
            "manage_competence",
            "manage_engagements",
            "view_all_engagements",
            "review_declarations",
            "manage_impartiality",
            "manage_clients",
            "manage_certificates",
        ),
        Role.INDEPENDENT_REVIEWER: ("view_all_engagements", "review_engagements"),
        Role.DECISION_MAKER: ("view_all_engagements", "decide_certification"),
        Role.IMPARTIALITY_COMMITTEE: ("review_declarations", "manage_impartiality"),
    }
    assert roles.member_permissions() == ("view_body",)


def test_each_capability_declares_its_own_permissions() -> None:
    assert [(p.codename, p.app) for p in roles.declared_permissions()] == [
        ("decide_certification", "certification"),
        ("manage_accreditations", "bodies"),
        ("manage_certificates", "certification"),
        ("manage_clients", "clients"),
        ("manage_competence", "competence"),
        ("manage_engagements", "audits"),
        ("manage_impartiality", "impartiality"),
        ("review_declarations", "impartiality"),
        ("review_engagements", "certification"),
        ("view_all_engagements", "audits"),
    ]


def test_every_granted_permission_is_declared_on_bodies() -> None:
    # given the permissions on Body the kernel's model declares, and those the capabilities declare
    from bodies.models import Body

    declared = {codename for codename, _name in Body._meta.permissions}
    declared |= {p.codename for p in roles.declared_permissions()}
    declared |= {f"{action}_body" for action in Body._meta.default_permissions}
    # then nothing is granted that does not exist
    assert roles.managed_permissions() - declared == set()


def test_two_apps_may_not_declare_one_permission() -> None:
    # when / then
    with pytest.raises(ImproperlyConfigured, match="already declared by competence"):
        roles.declare_permission("manage_competence", "Something else", app="tests")
    assert [p.app for p in roles.declared_permissions() if p.codename == "manage_competence"] == [
        "competence"
    ]


@pytest.mark.django_db
def test_declared_permissions_exist_on_the_body_content_type_after_migrate() -> None:
    assert sorted(
        Permission.objects.filter(
            content_type__app_label="bodies", codename__in=["manage_accreditations", "manage_competence"]
        ).values_list("codename", "name")
    ) == [
        ("manage_accreditations", "Can keep the body's accreditations"),
        ("manage_competence", "Can keep the body's people, competence records and evaluations"),
    ]


@pytest.mark.django_db
def test_creating_the_declared_permissions_again_changes_nothing() -> None:
    # given
    before = Permission.objects.count()
    # when
    roles.create_declared_permissions()
    # then
    assert Permission.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_role_carries_the_same_grants_as_before(role: Role) -> None:
    # given
    body = BodyFactory()
    user = UserFactory()
    # when
    membership = MembershipFactory(user=user, body=body, roles=[role])
    # then
    expected = {
        Role.BODY_ADMIN: BODY_ADMIN_GRANTS,
        Role.IMPARTIALITY_COMMITTEE: COMMITTEE_GRANTS,
        Role.INDEPENDENT_REVIEWER: READS_ENGAGEMENTS | {"review_engagements"},
        Role.DECISION_MAKER: READS_ENGAGEMENTS | {"decide_certification"},
    }.get(role, {"view_body"})
    assert set(get_perms(user, body)) == expected
    assert set(get_perms(user, BodyFactory())) == set()

    # when the membership is suspended, every grant goes
    membership.status = Membership.Status.SUSPENDED
    membership.save(update_fields=["status"])
    _sync_grants(membership)
    # then
    assert set(get_perms(user, body)) == set()


@pytest.mark.django_db
def test_the_sync_leaves_permissions_it_does_not_own_alone() -> None:
    # given an administrator who also holds a permission no role grants
    from guardian.shortcuts import assign_perm

    body = BodyFactory()
    user = UserFactory()
    membership = MembershipFactory(user=user, body=body, roles=[Role.BODY_ADMIN])
    assign_perm("bodies.change_body", user, body)
    # when their roles change
    membership.roles = [Role.AUDITOR]
    membership.save(update_fields=["roles"])
    _sync_grants(membership)
    # then the role grants follow and the other permission stays
    assert set(get_perms(user, body)) == {"view_body", "change_body"}


@pytest.mark.django_db
def test_after_a_migrate_the_people_holding_a_role_get_what_it_now_grants() -> None:
    # given an administrator whose grants predate a permission the role table now gives administrators
    from guardian.shortcuts import remove_perm

    from bodies.services.memberships import membership_grants_resync

    body = BodyFactory()
    user = UserFactory()
    MembershipFactory(user=user, body=body, roles=[Role.BODY_ADMIN])
    remove_perm("bodies.review_declarations", user, body)
    assert "review_declarations" not in get_perms(user, body)
    # when the post-migrate resync runs
    changed = membership_grants_resync()
    # then the administrator holds it, and running it again touches nobody
    assert changed == 1
    assert set(get_perms(user, body)) == BODY_ADMIN_GRANTS
    assert membership_grants_resync() == 0
