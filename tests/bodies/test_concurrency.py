"""Two registry decisions on the same body at the same moment: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from bodies import services
from bodies.models import Body, BodyStatusChange
from core.audit import audit_verify_chain
from core.errors import TransitionNotAllowed
from tests.factories import AccreditationFactory, BodyFactory, StaffFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_one_wins_and_the_chain_stays_linear():
    # given a body under review and two staff members
    body = BodyFactory(status=Body.Status.UNDER_REVIEW)
    AccreditationFactory(body=body)
    first, second = StaffFactory(), StaffFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            services.body_approve(body=Body.objects.get(pk=body.pk), actor=actor, reason="Approved")
            outcomes.append("approved")
        except TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    # when both approve at once
    threads = [threading.Thread(target=approve, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one decision is recorded, and the audit chain has no fork
    assert sorted(outcomes) == ["approved", "refused"]
    assert BodyStatusChange.objects.filter(body=body, to_status=Body.Status.APPROVED).count() == 1
    assert audit_verify_chain(str(body.pk)).ok
