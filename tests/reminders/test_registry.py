"""The registry of deadline kinds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from bodies.deadlines import ACCREDITATION_EXPIRY
from reminders.registry import DeadlineKind, all_kinds, get_kind, register, unregister


def _kind(code: str) -> DeadlineKind:
    return DeadlineKind(
        code=code,
        label="Test",
        offsets=lambda: [0],
        recipients=lambda deadlines: {},
        message=lambda d, o: ("t", "m"),
        url=lambda d: "/",
    )


def test_the_accreditation_expiry_kind_is_declared_with_offsets_from_settings(settings):
    # given
    settings.ACCREDITATION_REMINDER_OFFSETS = [0, -30, -90, -30]

    # when
    kind = get_kind(ACCREDITATION_EXPIRY)

    # then
    assert kind in all_kinds()
    assert str(kind.label) == "Accreditation expiry"
    assert kind.sorted_offsets() == [-90, -30, 0]


def test_two_kinds_cannot_claim_one_code():
    # given
    first = register(_kind("tests.one"))
    try:
        # when / then
        with pytest.raises(ImproperlyConfigured):
            register(_kind("tests.one"))
        assert register(first) is first  # declaring the same kind again is harmless
        assert get_kind("tests.one") is first
    finally:
        unregister("tests.one")


def test_an_unknown_kind_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match=r"tests\.unknown"):
        get_kind("tests.unknown")
