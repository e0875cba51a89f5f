"""How to make a record of each model with a life cycle in a given status (`core.transitions`).

Shared by the walk of every map (`tests/core/test_transitions.py`) and the concurrent transitions of the fault
suite (`tests/faults/test_concurrent_transitions.py`); a new life cycle needs a line in `MAKERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from audits.models import Engagement, Finding
from bodies.models import Accreditation, Body
from certification.models import Proposal, Review
from clients.models import ClientUser
from competence.models import CompetenceRecord
from documents.models import Document
from impartiality.models import CommitteeAction, Declaration
from imports.models import ImportBatch
from tests.factories import (
    AccreditationFactory,
    BodyFactory,
    CompetenceRecordFactory,
    DeclarationFactory,
    StaffFactory,
    UserFactory,
)


def _body(status: str) -> Body:
    return BodyFactory(status=status)


def _accreditation(status: str) -> Accreditation:
    return AccreditationFactory(status=status)


def _competence(status: str) -> CompetenceRecord:
    return CompetenceRecordFactory(status=status)


def make_document(status: str) -> Document:
    body = BodyFactory()
    return Document.objects.create(
        number=f"ICR-DOC-2026-{Document.objects.count():06d}",
        kind="bodies.approval_letter",
        body=body,
        subject_type=ContentType.objects.get_for_model(Body),
        subject_id=str(body.pk),
        status=status,
        file="documents/2026/01/letter.pdf",  # a ready document needs its file and hash (check constraint)
        sha256="a" * 64,
        requested_at=timezone.now(),
    )


def _import_batch(status: str) -> ImportBatch:
    return ImportBatch.objects.create(
        body=BodyFactory(),
        kind="competence.people",
        file="imports/2026/01/people.csv",
        filename="people.csv",
        sha256="b" * 64,
        created_by=StaffFactory(),
        status=status,
    )


def _declaration(status: str) -> Declaration:
    # attested, and with an outcome by someone else, so every target status meets the check constraints
    return DeclarationFactory(
        status=status,
        attested_at=timezone.now(),
        submitted_on=date(2026, 3, 1),
        review_outcome="no_conflict",
        reviewed_by=UserFactory(),
    )


def _committee_action(status: str) -> CommitteeAction:
    from tests.factories import CommitteeActionFactory

    return CommitteeActionFactory(status=status)  # type: ignore[no-any-return]


def _review(status: str) -> models.Model:
    from tests.factories import ReviewFactory

    # a completed review has its time (a check constraint): the walk's bare `complete` sets none, so every
    # review has it already
    return ReviewFactory(status=status, completed_at=timezone.now())  # type: ignore[no-any-return]


def _proposal(status: str) -> models.Model:
    from tests.factories import ProposalFactory

    return ProposalFactory(status=status)  # type: ignore[no-any-return]


def _finding(status: str) -> Any:
    from tests.factories import FindingFactory, UserFactory

    # a verified finding names who verified it (a check constraint): the walk's bare `verify` from accepted
    # sets no verifier, so an accepted one has its verifier already
    verifier = UserFactory() if status in ("accepted", "verified") else None
    return FindingFactory(status=status, verified_by=verifier)


def _engagement(status: str) -> Any:
    from tests.factories import EngagementFactory

    return EngagementFactory(status=status)


def _client_user(status: str) -> Any:
    from tests.factories import ClientUserFactory

    return ClientUserFactory(status=status)  # an account in every status, so "active" meets its constraint


#: how to make a record of each model with a life cycle in a given status; a new life cycle needs a line here
MAKERS: dict[type[models.Model], Callable[[str], models.Model]] = {
    Body: _body,
    Accreditation: _accreditation,
    CompetenceRecord: _competence,
    Document: make_document,
    ImportBatch: _import_batch,
    Declaration: _declaration,
    CommitteeAction: _committee_action,
    ClientUser: _client_user,
    Engagement: _engagement,
    Finding: _finding,
    Review: _review,
    Proposal: _proposal,
}
