"""The one registry of declarations (`core.registry.Registry`) and the registries built on it keep their own
exception types, wording and order."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import panels, roles
from core.registry import Registry
from demo import registry as demo_registry
from documents import registry as document_registry
from imports import registry as import_registry
from reminders import registry as deadline_registry


@dataclass(frozen=True)
class Entry:
    code: str
    rank: int = 0


def _registry(**options) -> Registry[Entry]:  # type: ignore[no-untyped-def]
    return Registry[Entry]("test entry", key=lambda entry: entry.code, **options)


def test_a_declared_entry_is_found_by_its_key() -> None:
    # given
    registry = _registry()
    entry = Entry("tests.one")
    # when
    returned = registry.register(entry)
    # then
    assert returned is entry
    assert registry.get("tests.one") is entry
    assert registry.find("tests.one") is entry
    assert "tests.one" in registry
    assert len(registry) == 1


def test_declaring_the_same_entry_twice_is_harmless() -> None:
    # given
    registry = _registry()
    entry = registry.register(Entry("tests.one"))
    # when
    again = registry.register(entry)
    # then
    assert again is entry
    assert registry.all() == [entry]


def test_a_different_entry_under_a_taken_key_is_refused_with_the_registry_s_wording() -> None:
    # given
    registry = _registry()
    first = registry.register(Entry("tests.one", rank=1))
    # when / then
    with pytest.raises(ImproperlyConfigured) as error:
        registry.register(Entry("tests.one", rank=2))
    assert str(error.value) == "The test entry 'tests.one' is already registered."
    assert registry.get("tests.one") is first  # nothing changed
    assert len(registry) == 1


def test_the_conflict_exception_type_and_builder_are_the_registry_s_own() -> None:
    # given one registry raising ValueError, another building its exception from the entry already there
    plain = _registry(error=ValueError)
    built = _registry(conflict=lambda existing: LookupError(f"taken at rank {existing.rank}"))
    plain.register(Entry("tests.one", rank=1))
    built.register(Entry("tests.one", rank=1))
    # when / then
    with pytest.raises(ValueError, match=r"^The test entry 'tests\.one' is already registered\.$"):
        plain.register(Entry("tests.one", rank=2))
    with pytest.raises(LookupError, match=r"^taken at rank 1$"):
        built.register(Entry("tests.one", rank=2))
    assert plain.get("tests.one").rank == 1
    assert built.get("tests.one").rank == 1


def test_an_unknown_key_raises_key_error_unless_the_registry_names_its_own_error() -> None:
    # given
    plain = _registry()
    named = _registry(unknown=lambda key: ImproperlyConfigured(f"Unknown test entry {key!r}"))
    # when / then
    with pytest.raises(KeyError) as missing:
        plain.get("tests.nobody")
    assert missing.value.args == ("tests.nobody",)
    with pytest.raises(ImproperlyConfigured, match=r"^Unknown test entry 'tests\.nobody'$"):
        named.get("tests.nobody")
    assert plain.find("tests.nobody") is None
    assert named.find("tests.nobody") is None


def test_unregister_forgets_an_entry_and_ignores_an_unknown_key() -> None:
    # given
    registry = _registry()
    registry.register(Entry("tests.one"))
    # when
    registry.unregister("tests.one")
    registry.unregister("tests.nobody")
    # then
    assert registry.find("tests.one") is None
    assert registry.all() == []


def test_all_sorts_by_key_or_by_the_given_order() -> None:
    # given the same entries in two registries
    by_key = _registry()
    by_rank = _registry(order=lambda entry: (entry.rank, entry.code))
    entries = [Entry("tests.c", rank=1), Entry("tests.a", rank=2), Entry("tests.b", rank=1)]
    for entry in entries:
        by_key.register(entry)
        by_rank.register(entry)
    # when / then
    assert [entry.code for entry in by_key.all()] == ["tests.a", "tests.b", "tests.c"]
    assert [entry.code for entry in by_rank.all()] == ["tests.b", "tests.c", "tests.a"]


# --- the platform's registries keep their exception types and wording ------------------------------------------


def test_each_platform_registry_refuses_a_conflict_with_its_own_exception_and_wording() -> None:
    # given one entry of each registry, already declared by the apps, and a different one under its key
    panel = panels.all_panels()[0]
    contributor = demo_registry.all_contributors()[0]
    document_kind = document_registry.all_kinds()[0]
    deadline_kind = deadline_registry.all_kinds()[0]
    import_kind = import_registry.get_kind("competence.people")
    cases = [
        (
            panels.register,
            panel,
            replace(panel, order=panel.order + 1),
            ImproperlyConfigured,
            "dashboard panel",
        ),
        (
            demo_registry.register,
            contributor,
            replace(contributor, order=contributor.order + 1),
            ImproperlyConfigured,
            "demo contributor",
        ),
        (
            document_registry.register,
            document_kind,
            replace(document_kind, label="Other"),
            ValueError,
            "document kind",
        ),
        (
            deadline_registry.register,
            deadline_kind,
            replace(deadline_kind, label="Other"),
            ImproperlyConfigured,
            "deadline kind",
        ),
        (
            import_registry.register,
            import_kind,
            replace(import_kind, max_rows_setting="OTHER"),
            ImproperlyConfigured,
            "import kind",
        ),
    ]
    for register, entry, different, error, noun in cases:
        key = getattr(entry, "key", None) or entry.code
        # when / then
        with pytest.raises(error) as raised:
            register(different)
        assert type(raised.value) is error
        assert str(raised.value) == f"The {noun} {key!r} is already registered."
        # and declaring the declared entry again is harmless
        assert register(entry) is entry
    # then nothing changed
    assert panels.all_panels()[0] is panel
    assert demo_registry.all_contributors()[0] is contributor
    assert document_registry.get_kind(document_kind.code) is document_kind
    assert deadline_registry.get_kind(deadline_kind.code) is deadline_kind
    assert import_registry.get_kind(import_kind.code) is import_kind


def test_two_apps_may_not_declare_one_body_permission() -> None:
    # given
    permission = roles.declared_permissions()[0]
    before = roles.declared_permissions()
    # when / then
    with pytest.raises(ImproperlyConfigured) as raised:
        roles.declare_permission(permission.codename, "Another name", app="tests")
    assert (
        str(raised.value)
        == f"The body permission {permission.codename!r} is already declared by {permission.app}."
    )
    assert roles.declared_permissions() == before
    # and the same declaration again is harmless
    assert roles.declare_permission(permission.codename, permission.name, app=permission.app) == permission
    assert roles.declared_permissions() == before


def test_the_platform_registries_answer_an_unknown_code_as_before() -> None:
    # when / then
    with pytest.raises(KeyError):
        document_registry.get_kind("tests.unknown")
    with pytest.raises(KeyError):
        import_registry.get_kind("tests.unknown")
    with pytest.raises(ImproperlyConfigured, match=r"^Unknown deadline kind 'tests\.unknown': declare it in"):
        deadline_registry.get_kind("tests.unknown")
    assert deadline_registry.find_kind("tests.unknown") is None


def test_the_document_registry_s_live_mapping_is_the_one_tests_patch() -> None:
    assert document_registry._KINDS is document_registry.KINDS.entries


def test_a_deadline_kind_links_to_its_portal_page_or_home_without_the_portal() -> None:
    # given
    from types import SimpleNamespace
    from uuid import uuid4

    from django.urls import reverse

    from bodies.deadlines import ACCREDITATION_EXPIRY, UNDERTAKING_UNSIGNED
    from competence.services import COMPETENCE_EXPIRY

    deadline = SimpleNamespace(subject_id=uuid4())
    # when / then
    assert deadline_registry.get_kind(ACCREDITATION_EXPIRY).url(deadline) == reverse(
        "bodies:accreditation-detail", args=[deadline.subject_id]
    )
    assert deadline_registry.get_kind(COMPETENCE_EXPIRY).url(deadline) == reverse(
        "competence:record-detail", args=[deadline.subject_id]
    )
    assert deadline_registry.get_kind(UNDERTAKING_UNSIGNED).url(deadline) == reverse("bodies:members")
    assert deadline_registry.page_url("tests:nowhere")(deadline) == "/"


def test_an_expiry_reminder_s_values_name_a_subject_that_is_gone_and_count_from_the_reminder_day() -> None:
    # given a deadline whose subject was deleted, reminded 10 days before it falls due
    from datetime import date
    from types import SimpleNamespace

    from reminders.recipients import expiry_message_values

    deadline = SimpleNamespace(subject=None, due_on=date(2026, 3, 11), reminded_on=date(2026, 3, 1))
    # when
    values = expiry_message_values(deadline)
    # then
    assert values == {
        "name": "(no longer on record)",
        "due": "11 Mar 2026",
        "last_day": "10 Mar 2026",
        "days": 10,
    }
