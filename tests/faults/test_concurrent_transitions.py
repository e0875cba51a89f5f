"""Fault suite: concurrent transitions on every state machine — N threads, one winner, one audit event.

Generated, not hand-listed: every `(model, action, source status)` of every `TRANSITIONS` map
(`core.transitions.lifecycle_models`) is raced by THREADS threads, each on its own database connection, each
holding its own copy of the row read before a barrier releases them together:

- through `core.transitions.transition` (the kernel function every service calls; the services' guards and
  effects differ per action, so the walk calls the kernel with the model's own map, and the service races
  below call the real services for the decisions that tell people);
- through `core.transitions.transition_claim` (the compare-and-set form the sweeps use).

Exactly one thread wins, the others are refused (`TransitionNotAllowed`, or a lost claim), the row ends in the
action's target status, with exactly one audit event for the action on the object, and as many webhook events
and notifications as the same move made once, alone, writes (a reference move on a twin record). An action
whose target is one of its sources (an invitation re-sent, a stale render taken over) is repeatable by design:
there every thread wins, one after the other, each move audited once.

The engines' compare-and-set claims are raced the same way (documents render, notification emails, webhook
deliveries, the accreditation, competence and certificate expiry sweeps), and so are registry and body
decisions through their services (the body's life cycle, an accreditation's status and its verification, which
is hand-written beside `core.transitions`) with their notifications.

Each test prints its figure and writes it to `var/faults-figures-transitions.json`.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, models
from django.utils import timezone

from bodies.models import Accreditation, Body, Role
from clients.models import ClientUser
from competence.models import CompetenceRecord
from core.errors import TransitionNotAllowed
from core.models import AuditEvent
from core.transitions import Transition, Transitions, lifecycle_models, transition, transition_claim
from documents.models import Document
from reminders.models import Notification
from tests.factories import (
    AccreditationFactory,
    BodyFactory,
    CompetenceRecordFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.lifecycle_makers import MAKERS, make_document
from tests.webhooks.conftest import receiver as webhook_receiver  # noqa: F401 - a fixture, for the delivery race
from webhooks.models import WebhookEvent, WebhookSubscription
from webhooks.registry import all_events

#: threads racing for each move
THREADS = 6
#: how long a thread waits for the others at the start line, and the test for a thread to finish (seconds)
BARRIER_TIMEOUT = 20
JOIN_TIMEOUT = 60

FIGURES_PATH = Path(settings.BASE_DIR) / "var" / "faults-figures-transitions.json"
FIGURES: dict[str, Any] = {}

WON, REFUSED = "won", "refused"


# --- the race -----------------------------------------------------------------------------------------------


@dataclass
class Race:
    """What N threads got: one outcome each (won, refused, or the unexpected error), and how long each took."""

    outcomes: list[str] = field(default_factory=list)
    waits_ms: list[float] = field(default_factory=list)

    @property
    def winners(self) -> int:
        return self.outcomes.count(WON)

    @property
    def unexpected(self) -> list[str]:
        return [o for o in self.outcomes if o not in (WON, REFUSED)]

    @property
    def longest_ms(self) -> float:
        return max(self.waits_ms, default=0.0)


class Racers:
    """THREADS threads, each with its own database connection for the whole test (closed at the end), that
    race each move together: a barrier releases them at once, each holding its own copy of the row.

    Kept for the whole test rather than started per race: a fresh connection per racer and race would spend
    the test's time on connection start-up, not on the races.
    """

    def __init__(self, threads: int = THREADS) -> None:
        self.threads = threads
        self.jobs: list[queue.Queue[Callable[[int], None] | None]] = [queue.Queue() for _ in range(threads)]
        self.finished: queue.Queue[int] = queue.Queue()
        self.workers = [threading.Thread(target=self._serve, args=(i,), daemon=True) for i in range(threads)]
        for worker in self.workers:
            worker.start()

    def _serve(self, index: int) -> None:
        try:
            while (job := self.jobs[index].get()) is not None:
                try:
                    job(index)
                finally:
                    self.finished.put(index)
        finally:
            connection.close()

    def close(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for worker in self.workers:
            worker.join(timeout=JOIN_TIMEOUT)

    def race(
        self,
        act: Callable[[Any], Any],
        *,
        read: Callable[[], Any] = lambda: None,
        won: Callable[[Any], bool] = lambda result: True,
    ) -> Race:
        """Runs `act(read())` in every thread, released together after `read`.

        `read` runs in each thread before the barrier (each racer holds its own stale copy, as two requests or
        two workers would). A TransitionNotAllowed, or a result `won` judges lost, is a refusal; anything else
        raised is recorded as unexpected (a deadlock, an integrity error, a second winner's crash).
        """
        barrier = threading.Barrier(self.threads)
        outcomes: list[str] = ["not finished"] * self.threads
        waits: list[float] = [0.0] * self.threads

        def run(index: int) -> None:
            try:
                try:
                    copy = read()
                except BaseException:
                    barrier.abort()
                    raise
                barrier.wait(timeout=BARRIER_TIMEOUT)
                started = time.perf_counter()
                try:
                    result = act(copy)
                except TransitionNotAllowed:
                    outcomes[index] = REFUSED
                else:
                    outcomes[index] = WON if won(result) else REFUSED
                finally:
                    waits[index] = (time.perf_counter() - started) * 1000
            except BaseException as exc:  # every failure is reported by name
                outcomes[index] = f"{type(exc).__name__}: {exc}"

        for jobs in self.jobs:
            jobs.put(run)
        for _ in range(self.threads):
            self.finished.get(timeout=JOIN_TIMEOUT)
        return Race(outcomes=outcomes, waits_ms=waits)


@pytest.fixture
def racers(transactional_db: None) -> Iterator[Racers]:
    """The racing threads, their connections closed before the test's database is flushed."""
    pool = Racers()
    yield pool
    pool.close()


@dataclass
class Tally:
    """Counts of what a move leaves behind."""

    audit: int
    webhooks: int
    notifications: int


def _counts(*, event: str | None, pk: Any) -> Tally:
    return Tally(
        audit=AuditEvent.objects.filter(action=event, object_id=str(pk)).count() if event else 0,
        webhooks=WebhookEvent.objects.count(),
        notifications=Notification.objects.count(),
    )


def _subscribe_every_body() -> None:
    """Every body without one gets a subscription to every event: a webhook a move emits is written."""
    codes = [event.code for event in all_events()]
    missing = Body.objects.filter(webhook_subscriptions__isnull=True)
    WebhookSubscription.objects.bulk_create(
        WebhookSubscription(
            body=body,
            url="https://hooks.example.org/icr",
            events=codes,
            secret_encrypted="not used: sending is switched off here",
            secret_rotated_at=timezone.now(),
        )
        for body in missing
    )


@pytest.fixture
def _no_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    """Webhook events are written to the outbox but not sent, and renders are not enqueued: each race counts
    what was written; sending and rendering are raced on their own (`test_every_engine_claim_has_one_winner`)."""
    monkeypatch.setattr("webhooks.services.outbox._enqueue", lambda delivery_ids: None)
    monkeypatch.setattr("documents.services._enqueue_render", lambda document_id: None)


def _record(
    section: str, figure: dict[str, Any], line: str, capsys: pytest.CaptureFixture[str], *, started: float
) -> None:
    """Prints the figure (past the capture) and keeps it in var/faults-figures-transitions.json, with the
    seconds the races took since `started` (a perf_counter reading)."""
    seconds = round(time.perf_counter() - started, 1)
    line = f"{line} ({seconds:.1f} s)"
    FIGURES[section] = {**figure, "seconds": seconds, "line": line}
    FIGURES_PATH.parent.mkdir(parents=True, exist_ok=True)
    previous: dict[str, Any] = {}
    if FIGURES_PATH.exists():
        try:
            previous = json.loads(FIGURES_PATH.read_text())
        except ValueError:
            previous = {}
    FIGURES_PATH.write_text(json.dumps({**previous, **FIGURES}, indent=2, sort_keys=True) + "\n")
    with capsys.disabled():
        print(f"\n{line}")


# --- every life cycle, through the kernel -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    model: type[models.Model]
    action: str
    source: str

    @property
    def lifecycle(self) -> Transitions:
        lifecycle: Transitions = self.model.TRANSITIONS  # type: ignore[attr-defined]
        return lifecycle

    @property
    def spec(self) -> Transition:
        return self.lifecycle[self.action]

    @property
    def again(self) -> bool:
        """The action may be taken again from the status it leads to (a re-sent invitation, a renewal, a stale
        render taken over): under the row lock every caller takes it, one after the other, each move its own."""
        return self.spec.target in self.spec.source

    @property
    def loop(self) -> bool:
        """The action leaves the status as it was: a compare-and-set on the status lets every caller through."""
        return self.spec.target == self.source

    def __str__(self) -> str:
        return f"{self.model._meta.label_lower}.{self.action} from {self.source}"


def lifecycle_cases() -> Iterator[Case]:
    for model in lifecycle_models():
        lifecycle: Transitions = model.TRANSITIONS  # type: ignore[attr-defined]
        for action, spec in lifecycle.actions.items():
            for source in spec.source:
                yield Case(model=model, action=action, source=str(source))


def _status(case: Case, pk: Any) -> str:
    return str(
        case.model._default_manager.filter(pk=pk).values_list(case.lifecycle.status_field, flat=True)[0]
    )


@dataclass(frozen=True)
class Move:
    """How a case is raced: the call each thread makes (True when it moved the row), and which cases every
    caller may win by design."""

    name: str
    call: Callable[[Case, models.Model], bool]
    repeatable: Callable[[Case], bool]


def _transition(case: Case, row: models.Model) -> bool:
    transition(row, action=case.action, actor=None, reason="Raced")
    return True


def _transition_claim(case: Case, row: models.Model) -> bool:
    return transition_claim(row, action=case.action, actor=None)


BY_TRANSITION = Move("transition", _transition, repeatable=lambda case: case.again)
BY_CLAIM = Move("transition_claim", _transition_claim, repeatable=lambda case: case.loop)


def _alone(case: Case, move: Move) -> Tally | None:
    """What the move writes when made once, alone, on a twin record (None if it did not happen)."""
    event = case.spec.event
    twin = MAKERS[case.model](case.source)
    _subscribe_every_body()
    before = _counts(event=event, pk=twin.pk)
    if not move.call(case, twin):
        return None
    after = _counts(event=event, pk=twin.pk)
    return Tally(
        audit=after.audit - before.audit,
        webhooks=after.webhooks - before.webhooks,
        notifications=after.notifications - before.notifications,
    )


def _walk(racers: Racers, move: Move, references: dict[Case, Tally]) -> tuple[list[str], dict[str, Any]]:
    """Races `move` on every case; returns the failures by name and the figure. `references` keeps what one
    move writes, per case (the kernel's transition and its claim write the same: one event, one signal)."""
    failures: list[str] = []
    models_seen: set[str] = set()
    actions: set[tuple[str, str]] = set()
    duplicates = 0
    wrong_winners = 0
    longest = 0.0
    repeatable: list[str] = []
    emitting: list[str] = []
    for case in lifecycle_cases():
        models_seen.add(case.model._meta.label_lower)
        actions.add((case.model._meta.label_lower, case.action))
        event = case.spec.event
        if case not in references:
            reference = _alone(case, move)
            if reference is None:
                failures.append(f"{case}: the move alone did not happen")
                continue
            references[case] = reference
        one = references[case]
        if one.webhooks:
            emitting.append(str(case))

        # the race
        record = MAKERS[case.model](case.source)
        _subscribe_every_body()
        start = _counts(event=event, pk=record.pk)
        result = racers.race(
            partial(move.call, case),
            read=partial(case.model._default_manager.get, pk=record.pk),
            won=bool,
        )
        end = _counts(event=event, pk=record.pk)
        longest = max(longest, result.longest_ms)
        repeats = move.repeatable(case)
        expected_winners = THREADS if repeats else 1
        if repeats:
            repeatable.append(str(case))
        audit = end.audit - start.audit
        webhooks = end.webhooks - start.webhooks
        notifications = end.notifications - start.notifications
        problems: list[str] = []
        if result.unexpected:
            problems.append(f"unexpected {result.unexpected}")
        if result.winners != expected_winners:
            wrong_winners += 1
            problems.append(f"{result.winners} winners, expected {expected_winners}")
        status = _status(case, record.pk)
        if status != case.spec.target:
            problems.append(f"ends {status}, expected {case.spec.target}")
        if event and one.audit != 1:
            problems.append(f"the move alone wrote {one.audit} audit events")
        if audit != one.audit * expected_winners:
            problems.append(f"{audit} audit events, expected {one.audit * expected_winners}")
        if webhooks != one.webhooks * expected_winners:
            problems.append(f"{webhooks} webhook events, expected {one.webhooks * expected_winners}")
        if notifications != one.notifications * expected_winners:
            problems.append(f"{notifications} notifications, expected {one.notifications * expected_winners}")
        if not repeats:
            duplicates += max(audit - one.audit, 0)
        if problems:
            failures.append(f"{case}: " + "; ".join(problems))
    figure = {
        "models": len(models_seen),
        "actions": len(actions),
        "cases": sum(1 for _ in lifecycle_cases()),
        "threads": THREADS,
        "races_without_one_winner": wrong_winners,
        "duplicate_audit_events": duplicates,
        "longest_wait_ms": round(longest, 1),
        "repeatable_by_design": repeatable,
        "cases_that_emit_webhook_events": emitting,
        "failures": len(failures),
    }
    return failures, figure


def _winners(wrong: int) -> str:
    return "winners 1 each" if not wrong else f"NOT ONE WINNER in {wrong} races"


def _line(figure: dict[str, Any], how: str) -> str:
    return (
        f"concurrent transitions ({how}): {figure['models']} models, {figure['actions']} actions "
        f"({figure['cases']} source statuses), {figure['threads']} threads each: "
        f"{_winners(figure['races_without_one_winner'])}, duplicate audit events "
        f"{figure['duplicate_audit_events']}, longest wait {figure['longest_wait_ms']:.0f} ms"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_no_sending")
def test_every_action_of_every_life_cycle_has_one_winner(capsys, racers):
    failures: list[str] = []
    references: dict[Case, Tally] = {}
    for move in (BY_TRANSITION, BY_CLAIM):
        started = time.perf_counter()
        # given every action of every life cycle, from each status it may come from, raced by THREADS threads
        # through the kernel's transition (a row lock, then the guard on the current status) and through the
        # sweeps' compare-and-set claim (each thread holding the row as it read it)
        found, figure = _walk(racers, move, references)

        # then each had one winner, with one audit event and one webhook event, the others refused
        _record(move.name, figure, _line(figure, move.name), capsys, started=started)
        failures += [f"{move.name}: {failure}" for failure in found]
        assert figure["models"] == len(MAKERS)
        assert figure["cases_that_emit_webhook_events"], (
            "no move emitted a webhook event: nothing was counted"
        )
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)


# --- the engines' compare-and-set claims --------------------------------------------------------------------


@dataclass
class Sheet:
    """The races of one test: failures by name, the work done twice or not at all, the longest wait."""

    failures: list[str] = field(default_factory=list)
    races: list[str] = field(default_factory=list)
    longest_ms: float = 0.0
    duplicates: int = 0
    lost: int = 0
    wrong_winners: int = 0

    def raced(self, name: str, result: Race, *, winners: int | None = 1) -> None:
        """Records a race; `winners` None when who won is judged by what was done (`count`)."""
        self.races.append(name)
        self.longest_ms = max(self.longest_ms, result.longest_ms)
        if result.unexpected:
            self.failures.append(f"{name}: unexpected {result.unexpected}")
        if winners is not None and result.winners != winners:
            self.wrong_winners += 1
            self.duplicates += max(result.winners - winners, 0)
            self.failures.append(f"{name}: {result.winners} winners, expected {winners}")

    def count(self, name: str, what: str, got: int, expected: int) -> None:
        """A count of work done: more than expected is a duplicate, fewer a loss."""
        self.duplicates += max(got - expected, 0)
        self.lost += max(expected - got, 0)
        self.check(name, what, got, expected)

    def check(self, name: str, what: str, got: Any, expected: Any) -> None:
        if got != expected:
            self.failures.append(f"{name}: {what} {got!r}, expected {expected!r}")


def _audited(action: str, pk: Any) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(pk)).count()


def _documents(racers: Racers, sheet: Sheet, monkeypatch: pytest.MonkeyPatch) -> None:
    """`documents.services.document_render` by THREADS workers: one claim renders, one file, one audit event."""
    from documents.services import document_render

    renders: list[str] = []

    def pdf(document: Document) -> bytes:
        renders.append(str(document.pk))
        time.sleep(0.05)  # the winner is still rendering while the others try to claim
        return b"%PDF-1.7\n" + document.number.encode() + b"\n%%EOF\n"

    monkeypatch.setattr("documents.services.document_pdf", pdf)
    stale = timezone.now() - timedelta(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES + 1)
    for status, claimed_at in (("pending", None), ("failed", None), ("rendering", stale)):
        name = f"documents.document_render from {status}"
        document = make_document(status)
        Document.objects.filter(pk=document.pk).update(claimed_at=claimed_at, file="", sha256="")
        rendered_before = len(renders)
        result = racers.race(lambda _row, pk=document.pk: document_render(document_id=pk))
        document.refresh_from_db()
        # a loser returns the row as it finds it: who won shows in what was rendered and recorded
        sheet.raced(name, result, winners=None)
        sheet.count(name, "renders", len(renders) - rendered_before, 1)
        sheet.count(name, "rendered audit events", _audited("documents.document.rendered", document.pk), 1)
        sheet.check(name, "status", document.status, "ready")
        sheet.check(name, "attempts", document.attempts, 1)
        stored = bool(document.file) and document.file.storage.exists(document.file.name)
        sheet.check(name, "file stored", stored, True)


def _emails(racers: Racers, sheet: Sheet) -> None:
    """`reminders.services.notification_send_email` by THREADS workers: one claims and sends, one email."""
    from reminders.services import notification_send_email

    user = UserFactory()
    stale = timezone.now() - timedelta(minutes=settings.NOTIFICATION_EMAIL_STALE_MINUTES + 1)
    for status, claimed_at in (("pending", None), ("failed", None), ("sending", stale)):
        name = f"reminders.notification_send_email from {status}"
        notification = Notification.objects.create(
            key=f"faults:{status}",
            user=user,
            kind="faults.test",
            title=f"Raced {status}",
            email_status=status,
            email_claimed_at=claimed_at,
        )
        sent_before = len(mail.outbox)
        result = racers.race(
            lambda _row, pk=notification.pk: notification_send_email(notification_id=pk), won=bool
        )
        notification.refresh_from_db()
        sheet.raced(name, result)
        sheet.count(name, "emails", len(mail.outbox) - sent_before, 1)
        sheet.check(name, "status", notification.email_status, "sent")
        sheet.check(name, "attempts", notification.attempts, 1)


def _expiry_sweeps(racers: Racers, sheet: Sheet) -> None:
    """The accreditation and competence expiry sweeps (`core.expiry`, a `transition_claim` per row) run by
    THREADS at once: each record expires once, with one audit event by the system."""
    from bodies.services.accreditations import accreditations_expire
    from competence.services import competences_expire

    today = timezone.localdate()
    ended = today - timedelta(days=2)
    for name, sweep, records, event in (
        (
            "bodies.accreditations_expire",
            accreditations_expire,
            [AccreditationFactory(status=s, valid_to=ended) for s in ("active", "suspended", "active")],
            "bodies.accreditation.expired",
        ),
        (
            "competence.competences_expire",
            competences_expire,
            [
                CompetenceRecordFactory(status=s, valid_until=ended)
                for s in ("approved", "suspended", "approved")
            ],
            "competence.record.expired",
        ),
    ):
        counts: list[int] = []

        def run(_row: Any, sweep: Callable[..., int] = sweep, counts: list[int] = counts) -> int:
            moved = sweep(today=today)
            counts.append(moved)
            return moved

        result = racers.race(run, won=bool)
        sheet.raced(name, result, winners=None)
        sheet.count(name, "records expired by all sweeps together", sum(counts), len(records))
        for record in records:
            record.refresh_from_db()
            sheet.check(f"{name} {record.pk}", "status", record.status, "expired")
            sheet.count(f"{name} {record.pk}", "audit events", _audited(event, record.pk), 1)


def _certificate_sweep(racers: Racers, sheet: Sheet) -> None:
    """`certification.services.expiry.certificate_expire_due` by THREADS at once (tests/certification/
    test_expiry.py races two): each certificate expires once, with one audit event, one webhook event, and
    the people told once (as many notifications as a certificate expired alone)."""
    from certification.models import Certificate
    from certification.services.expiry import certificate_expire_due
    from tests.factories import CertificateFactory

    name = "certification.certificate_expire_due"
    body = BodyFactory()
    MembershipFactory(user=UserFactory(), body=body, roles=[Role.BODY_ADMIN])

    def certificate(expires_on: date, status: str) -> Certificate:
        return CertificateFactory(  # type: ignore[no-any-return]
            engagement__body=body,
            initial_certification_on=date(2026, 3, 15),
            expires_on=expires_on,
            status=status,
            suspended_on=date(2028, 1, 1) if status == "suspended" else None,
        )

    _subscribe_every_body()
    alone = certificate(date(2029, 3, 10), "valid")
    notifications_before, webhooks_before = Notification.objects.count(), WebhookEvent.objects.count()
    assert certificate_expire_due(today=date(2029, 3, 11)) == 1
    told = Notification.objects.count() - notifications_before
    one_webhook = WebhookEvent.objects.count() - webhooks_before
    sheet.check(name, "people told when one expires alone", told > 0, True)
    sheet.check(name, "webhook events when one expires alone", one_webhook, 1)

    raced = [certificate(date(2029, 3, 14), status) for status in ("valid", "scope_reduced", "suspended")]
    notifications_before, webhooks_before = Notification.objects.count(), WebhookEvent.objects.count()
    counts: list[int] = []

    def sweep(_row: Any) -> int:
        moved = certificate_expire_due(today=date(2029, 3, 15))
        counts.append(moved)
        return moved

    result = racers.race(sweep, won=bool)
    sheet.raced(name, result, winners=None)
    sheet.count(name, "certificates expired by all sweeps together", sum(counts), len(raced))
    sheet.count(name, "notifications", Notification.objects.count() - notifications_before, told * len(raced))
    sheet.count(name, "webhook events", WebhookEvent.objects.count() - webhooks_before, len(raced))
    for one in [alone, *raced]:
        one.refresh_from_db()
        sheet.check(f"{name} {one.number}", "status", one.status, "expired")
        expired_events = _audited("certification.certificate.expired", one.pk)
        sheet.count(f"{name} {one.number}", "audit events", expired_events, 1)


def _reminder_sweep(racers: Racers, sheet: Sheet, settings_fixture: Any) -> None:
    """`reminders.services.deadlines_sweep` by THREADS at once (tests/reminders/test_concurrency.py shows one
    sweep skipping a row another holds): each due reminder is written once, to each person once."""
    from reminders.models import Deadline
    from reminders.services import deadlines_sweep
    from tests.reminders.conftest import before, noon_utc, watch

    settings_fixture.ACCREDITATION_REMINDER_OFFSETS = [-90, -30, 0]
    name = "reminders.deadlines_sweep"
    deadlines: list[Deadline] = []
    admins = 0
    for _ in range(3):
        body = BodyFactory()
        MembershipFactory(user=UserFactory(), body=body, roles=[Role.BODY_ADMIN])
        admins += 1
        deadlines.append(watch(body))
    notified: list[int] = []

    def sweep(_row: Any) -> int:
        done = deadlines_sweep(now=noon_utc(before(90)), enqueue_email=False)
        notified.append(done.notifications)
        return done.notifications

    result = racers.race(sweep, won=bool)
    sheet.raced(name, result, winners=None)
    sheet.count(name, "notifications written by all sweeps together", sum(notified), admins)
    for deadline in deadlines:
        written = Notification.objects.filter(deadline=deadline).count()
        sheet.count(f"{name} {deadline.pk}", "notifications of the deadline", written, 1)


def _webhook_deliveries(racers: Racers, sheet: Sheet, receiver: Any, settings_fixture: Any) -> None:
    """`webhooks.services.webhook_delivery_send` by THREADS workers (tests/webhooks/test_concurrency.py races
    two): the receiver gets the delivery once."""
    from django.db import transaction

    from tests.webhooks.conftest import EVENT, listening
    from webhooks.models import WebhookDelivery
    from webhooks.services import emit, webhook_delivery_send

    settings_fixture.WEBHOOK_ALLOW_LOOPBACK = True
    name = "webhooks.webhook_delivery_send"
    body = BodyFactory()
    admin = UserFactory()
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    listening(receiver, body, admin)
    with transaction.atomic():
        event = emit(body=body, event=EVENT, payload={"raced": True})
    delivery_id = WebhookDelivery.objects.get(event=event).pk
    receiver.delay = 0.2
    result = racers.race(
        lambda _row: webhook_delivery_send(delivery_id=delivery_id), won=lambda sent: sent is not None
    )
    sheet.raced(name, result)
    sheet.count(name, "received", len(receiver.received), 1)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    sheet.check(name, "status and attempts", (delivery.status, delivery.attempts), ("delivered", 1))


@pytest.fixture
def _webhook_test_event() -> Iterator[None]:
    from tests.webhooks.conftest import EVENT
    from webhooks.registry import register_event, unregister_event

    register_event(EVENT, "Thing happened")
    yield
    unregister_event(EVENT)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_no_sending", "_webhook_test_event")
def test_every_engine_claim_has_one_winner(capsys, monkeypatch, settings, webhook_receiver, racers):  # noqa: F811
    # given the engines' work (a render, an email, a webhook delivery, the expiry and reminder sweeps), each
    # taken by THREADS workers or sweeps at the same moment
    started = time.perf_counter()
    sheet = Sheet()
    _documents(racers, sheet, monkeypatch)
    _emails(racers, sheet)
    _webhook_deliveries(racers, sheet, webhook_receiver, settings)
    _expiry_sweeps(racers, sheet)
    _certificate_sweep(racers, sheet)
    _reminder_sweep(racers, sheet, settings)

    # then each piece of work was done once: one render, one email, one delivery, one expiry, one reminder
    line = (
        f"concurrent claims: {len(sheet.races)} engine claims, {THREADS} workers each: "
        f"{_winners(sheet.wrong_winners)}, "
        f"jobs lost {sheet.lost}, duplicates {sheet.duplicates}, longest wait {sheet.longest_ms:.0f} ms"
    )
    figure = {
        "claims": sheet.races,
        "threads": THREADS,
        "lost": sheet.lost,
        "duplicates": sheet.duplicates,
        "longest_wait_ms": round(sheet.longest_ms, 1),
        "failures": len(sheet.failures),
    }
    _record("claims", figure, line, capsys, started=started)
    if sheet.failures:
        pytest.fail("\n".join(sheet.failures), pytrace=False)


# --- decisions through their services ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """One decision taken through its real service: `make` a fresh subject in the source status, with an
    administrator of its body (who is told, and acts for the body), and the person who decides; `call` is what
    each racer does with its own copy; then the audit event and the end state."""

    name: str
    make: Callable[[], tuple[models.Model, Any]]
    call: Callable[[models.Model, Any], Any]
    event: str
    field: str
    target: str
    #: the losers are refused (TransitionNotAllowed); False when a repeated request succeeds without a change
    #: (a membership set to the status it has): then only the audit event and the end state tell the winner
    refuses: bool = True


def _administered(body: Body) -> Any:
    """An administrator of `body` (acts for it, and is told of the registry's decisions)."""
    admin = UserFactory()
    MembershipFactory(user=admin, body=body, roles=[Role.BODY_ADMIN])
    return admin


def _body_in(source: str) -> tuple[Body, Any]:
    body = BodyFactory(status=source)
    _administered(body)
    AccreditationFactory(body=body)  # a verified, active accreditation that fits (approval's guard)
    return body, StaffFactory()


def _accreditation_in(source: str) -> tuple[Accreditation, Any]:
    body = BodyFactory()
    return AccreditationFactory(body=body, status=source), _administered(body)


def _pending_accreditation(source: str) -> tuple[Accreditation, Any]:
    body = BodyFactory()
    _administered(body)
    return AccreditationFactory(body=body, verification=source), StaffFactory()


def _approved_competence() -> tuple[CompetenceRecord, Any]:
    record = CompetenceRecordFactory(status="approved")
    return record, _administered(record.body)


def _client_user_in(source: str) -> tuple[ClientUser, Any]:
    from tests.factories import ClientUserFactory

    made = ClientUserFactory(status=source)
    return made, _administered(made.body)


def _risk_in(source: str) -> tuple[Any, Any]:
    from tests.factories import RiskFactory

    risk = RiskFactory(status=source)
    return risk, _administered(risk.body)


def _active_membership() -> tuple[Any, Any]:
    body = BodyFactory()
    admin = _administered(body)
    return MembershipFactory(body=body, roles=[Role.AUDITOR]), admin


def decisions() -> Iterator[Decision]:
    """The registry's and the bodies' decisions, from each status they may come from: the body's life cycle,
    its accreditations' status (the body's decisions) and their verification (the registry's), a competence
    suspended, a client's access revoked (the person told); and the life cycles written by hand beside
    `core.transitions`: a membership's status, a register risk closed and reopened."""
    from bodies.services import (
        ACCREDITATION_DECISIONS,
        ACCREDITATION_VERIFICATIONS,
        BODY_DECISIONS,
        membership_set_status,
    )
    from clients.services import client_user_revoke
    from competence.services import competence_suspend
    from impartiality.services import risk_close, risk_reopen

    for action, decide in BODY_DECISIONS.items():
        spec = Body.TRANSITIONS[action]
        for source in spec.source:
            yield Decision(
                name=f"bodies.body_{action} from {source}",
                make=partial(_body_in, source),
                call=lambda row, actor, decide=decide: decide(body=row, actor=actor, reason="Raced"),
                event=str(spec.event),
                field="status",
                target=spec.target,
            )
    for action, decide in ACCREDITATION_DECISIONS.items():
        spec = Accreditation.TRANSITIONS[action]
        for source in spec.source:
            yield Decision(
                name=f"bodies.accreditation_{action} from {source}",
                make=partial(_accreditation_in, source),
                call=lambda row, actor, decide=decide: decide(accreditation=row, actor=actor, reason="Raced"),
                event=str(spec.event),
                field="status",
                target=spec.target,
            )
    for action, decide in ACCREDITATION_VERIFICATIONS.items():
        spec = Accreditation.VERIFICATION_TRANSITIONS[action]
        for source in spec.source:
            yield Decision(
                name=f"bodies.accreditation_{action} from {source}",
                make=partial(_pending_accreditation, source),
                call=lambda row, actor, decide=decide: decide(accreditation=row, actor=actor, reason="Raced"),
                event=str(spec.event),
                field="verification",
                target=spec.target,
            )
    yield Decision(
        name="competence.competence_suspend from approved",
        make=_approved_competence,
        call=lambda row, actor: competence_suspend(record=row, actor=actor, reason="Raced"),
        event="competence.record.suspended",
        field="status",
        target="suspended",
    )
    for source in ClientUser.TRANSITIONS.sources("revoke"):
        yield Decision(
            name=f"clients.client_user_revoke from {source}",
            make=partial(_client_user_in, source),
            call=lambda row, actor: client_user_revoke(client_user=row, actor=actor, reason="Raced"),
            event="clients.client_user.revoked",
            field="status",
            target="revoked",
        )
    yield Decision(
        name="bodies.membership_set_status from active to suspended",
        make=_active_membership,
        call=lambda row, actor: membership_set_status(membership=row, status="suspended", actor=actor),
        event="bodies.membership.status_changed",
        field="status",
        target="suspended",
        refuses=False,
    )
    yield Decision(
        name="impartiality.risk_close from open",
        make=partial(_risk_in, "open"),
        call=lambda row, actor: risk_close(risk=row, actor=actor, reason="Raced"),
        event="impartiality.risk.closed",
        field="status",
        target="closed",
    )
    yield Decision(
        name="impartiality.risk_reopen from closed",
        make=partial(_risk_in, "closed"),
        call=lambda row, actor: risk_reopen(
            risk=row, actor=actor, next_review_on=timezone.localdate() + timedelta(days=30)
        ),
        event="impartiality.risk.reopened",
        field="status",
        target="open",
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_no_sending")
def test_every_decision_through_its_service_has_one_winner(capsys, racers):
    started = time.perf_counter()
    sheet = Sheet()
    telling: list[str] = []  # the decisions that tell someone (their notifications are counted in the race)
    for decision in decisions():
        # given a decision made once, alone, on a twin: what one decision writes (audit, notices, webhooks)
        twin, actor = decision.make()
        _subscribe_every_body()
        before = _counts(event=decision.event, pk=twin.pk)
        decision.call(twin, actor)
        alone = _counts(event=decision.event, pk=twin.pk)
        told = alone.notifications - before.notifications
        sheet.check(decision.name, "audit events when taken alone", alone.audit - before.audit, 1)
        if told:
            telling.append(decision.name)

        # when THREADS people take it at the same moment, each from the page they loaded before
        subject, actor = decision.make()
        _subscribe_every_body()
        start = _counts(event=decision.event, pk=subject.pk)
        model = type(subject)
        result = racers.race(
            lambda row, decision=decision, actor=actor: decision.call(row, actor),
            read=partial(model._default_manager.get, pk=subject.pk),
        )
        end = _counts(event=decision.event, pk=subject.pk)

        # then one took it, the others were refused; one audit event, the people told once
        sheet.raced(decision.name, result, winners=1 if decision.refuses else THREADS)
        sheet.count(decision.name, "audit events", end.audit - start.audit, 1)
        sheet.count(decision.name, "notifications", end.notifications - start.notifications, told)
        sheet.count(
            decision.name, "webhook events", end.webhooks - start.webhooks, alone.webhooks - before.webhooks
        )
        now = model._default_manager.filter(pk=subject.pk).values_list(decision.field, flat=True)[0]
        sheet.check(decision.name, decision.field, now, decision.target)

    line = (
        f"concurrent decisions: {len(sheet.races)} decisions through their services, {THREADS} people each: "
        f"{_winners(sheet.wrong_winners)}, duplicate audit events or notices {sheet.duplicates}, longest wait "
        f"{sheet.longest_ms:.0f} ms"
    )
    figure = {
        "decisions": sheet.races,
        "threads": THREADS,
        "duplicates": sheet.duplicates,
        "lost": sheet.lost,
        "longest_wait_ms": round(sheet.longest_ms, 1),
        "decisions_that_notify": telling,
        "failures": len(sheet.failures),
    }
    _record("services", figure, line, capsys, started=started)
    assert telling, "no decision told anyone: the notifications were not counted"
    if sheet.failures:
        pytest.fail("\n".join(sheet.failures), pytrace=False)
