"""Another body's people and competence records do not exist for body A's people: 404 on every method of
every URL about them, and nothing changes. Written with the generic helpers a new capability reuses."""

from __future__ import annotations

import pytest

from competence.models import CompetenceRecord, TrainingEntry
from tests.helpers import assert_hidden, listed_ids, membership_of, record_for, signed_in, url

pytestmark = pytest.mark.django_db


def test_another_bodys_competence_record_is_404_everywhere(world):
    # given a record of body B's member
    record = record_for(world.b.member, world.b.body)
    person = membership_of(world.b.member, world.b.body)
    record_urls = [
        url("competence-record-detail", record.pk),
        url("competence-record-approve", record.pk),
        url("competence-record-renew", record.pk),
        url("competence-record-suspend", record.pk),
        url("competence-record-evidence", record.pk),
    ]
    person_urls = [
        url("person-detail", person.pk),
        url("person-training", person.pk),
        url("person-witnessed-audits", person.pk),
        url("person-evaluations", person.pk),
    ]

    def state() -> tuple[object, ...]:
        return (
            CompetenceRecord.objects.filter(pk=record.pk).values_list("status", "updated_at").get(),
            TrainingEntry.objects.count(),
        )

    # when body A's administrator tries every method, then each answers 404 and nothing changed
    assert_hidden(signed_in(world.a.admin), [*record_urls, *person_urls], state)


def test_lists_show_only_the_active_bodys_records(world):
    mine = record_for(world.a.member, world.a.body)
    theirs = record_for(world.b.member, world.b.body)

    ids = listed_ids(signed_in(world.a.admin).get(url("competence-record-list")), "competenceRecords")

    assert str(mine.pk) in ids
    assert str(theirs.pk) not in ids
