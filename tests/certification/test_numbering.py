"""Certificate and statement numbers: the body's pattern, validated; the next number under it, never reused."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from bodies.models import Role
from certification.models import Numbering
from certification.services.numbering import next_number, numbering_set
from core.errors import PermissionDenied, error_code
from core.models import AuditEvent

from ..factories import BodyFactory, CertificateFactory, MembershipFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_default_pattern_is_created_with_the_body_code(world):
    # when
    first = next_number(body=world.a.body, kind="certificate", on=date(2026, 3, 1))
    second = next_number(body=world.a.body, kind="certificate", on=date(2026, 3, 1))
    statement = next_number(body=world.a.body, kind="statement", on=date(2027, 1, 1))
    # then
    assert first == "BODY-A-C-2026-00001"
    assert second == "BODY-A-C-2026-00002"
    assert statement == "BODY-A-S-2027-00001"
    assert Numbering.objects.get(body=world.a.body, kind="certificate").last_sequence == 2


def test_body_without_short_name_uses_a_slug_of_its_name():
    body = BodyFactory(legal_name="Nordic Cert ehf.", short_name="")
    assert next_number(body=body, kind="certificate", on=date(2026, 1, 1)) == "NORDIC-CERT-EHF-C-2026-00001"


def test_a_number_the_body_already_holds_is_skipped(world):
    # given: a certificate already carries the first number of the pattern
    CertificateFactory(engagement__body=world.a.body, number="BODY-A-C-2026-00001")
    # when / then
    assert next_number(body=world.a.body, kind="certificate", on=date(2026, 5, 5)) == "BODY-A-C-2026-00002"


def test_a_statement_number_already_held_is_skipped(world):
    StatementFactory(engagement__body=world.a.body, number="BODY-A-S-2026-00001")
    assert next_number(body=world.a.body, kind="statement", on=date(2026, 5, 5)) == "BODY-A-S-2026-00002"


def test_the_sequence_carries_on_after_a_pattern_change(world):
    next_number(body=world.a.body, kind="certificate", on=date(2026, 1, 1))
    numbering_set(body=world.a.body, kind="certificate", pattern="A/{year}/{seq}", actor=world.a.admin)
    assert next_number(body=world.a.body, kind="certificate", on=date(2026, 1, 1)) == "A/2026/2"


def test_numbering_set_is_audited_and_needs_manage_certificates(world):
    # when: an auditor tries
    with pytest.raises(PermissionDenied):
        numbering_set(body=world.a.body, kind="statement", pattern="{seq}", actor=world.a.member)
    # then nothing changed
    assert not Numbering.objects.filter(body=world.a.body).exists()
    # an administrator of the other body cannot either
    with pytest.raises(PermissionDenied):
        numbering_set(body=world.a.body, kind="statement", pattern="{seq}", actor=world.b.admin)
    # when: the body's administrator
    numbering = numbering_set(
        body=world.a.body, kind="statement", pattern="ST-{seq:04d}", actor=world.a.admin
    )
    # then
    assert numbering.pattern == "ST-{seq:04d}"
    event = AuditEvent.objects.get(action="certification.numbering.changed")
    assert event.before == {"pattern": "{body}-S-{year}-{seq:05d}"}
    assert event.after == {"pattern": "ST-{seq:04d}", "kind": "statement"}
    assert next_number(body=world.a.body, kind="statement", on=date(2026, 1, 1)) == "ST-0001"


@pytest.mark.parametrize(
    "pattern",
    [
        "",
        "{body}-{year}",  # no {seq}
        "{seq}-{seq}",
        "{client}-{seq}",
        "{seq:x}",
        "{year:05d}-{seq}",
        "{seq!r}",
        "{seq",
        "{0}{seq}",
        "X" * 55 + "{seq}",  # 55 + 6 digits > 60
    ],
)
def test_invalid_patterns_are_refused(world, pattern):
    with pytest.raises(ValidationError) as caught:
        numbering_set(body=world.a.body, kind="certificate", pattern=pattern, actor=world.a.admin)
    assert error_code(caught.value) == "numbering_invalid"
    assert "pattern" in caught.value.message_dict
    assert not Numbering.objects.filter(body=world.a.body).exists()


def test_pattern_length_boundary(world):
    # 54 letters + 6 digits of the largest checked sequence = 60: allowed; one more letter: refused
    numbering_set(body=world.a.body, kind="certificate", pattern="X" * 54 + "{seq}", actor=world.a.admin)
    with pytest.raises(ValidationError):
        numbering_set(body=world.a.body, kind="certificate", pattern="X" * 55 + "{seq}", actor=world.a.admin)


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        numbering_set(body=world.a.body, kind="invoice", pattern="{seq}", actor=world.a.admin)
    assert "kind" in caught.value.message_dict


def test_a_rolled_back_issue_gives_its_sequence_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(body=world.a.body, kind="certificate", on=date(2026, 1, 1))
        raise RuntimeError
    assert next_number(body=world.a.body, kind="certificate", on=date(2026, 1, 1)) == "BODY-A-C-2026-00001"


def test_an_admin_holding_only_manage_certificates_role(world):
    # a decision maker is not a numbering administrator
    maker = MembershipFactory(body=world.a.body, roles=[Role.DECISION_MAKER]).user
    with pytest.raises(PermissionDenied):
        numbering_set(body=world.a.body, kind="certificate", pattern="{seq}", actor=maker)


@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_never_collide():
    # given
    body = BodyFactory(short_name="CC")
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def take() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(next_number(body=body, kind="certificate", on=date(2026, 1, 1)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert sorted(results) == [f"CC-C-2026-{n:05d}" for n in range(1, 5)]
