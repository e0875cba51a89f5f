"""State transitions, written once: every life cycle is a declaration on its model, every move goes through here.

A model declares its life cycle beside its status choices::

    TRANSITIONS = Transitions(
        refused=_("A body that is %(current)s cannot become %(target)s."),
        reason_field="status_reason",
        changed_at_field="status_changed_at",
        actions={
            "approve": Transition(
                source=(Status.UNDER_REVIEW,), target=Status.APPROVED, event="bodies.body.approved", reason=True
            ),
            ...
        },
    )

and a service moves a record with one call::

    transition(body, action="approve", actor=actor, reason=reason, guards=[_agreement_signed],
               effects=[_record_decision])

`transition` locks the row (`select_for_update`), refuses with `TransitionNotAllowed` (naming the current
and target statuses) unless the current status is one the action may come from, asks for a reason when the
action needs one, runs the caller's extra guards on the locked row, writes the status (and the reason and
timestamp fields the life cycle declares), records the audit event with before/after, runs the side effects
inside the transaction and the after-commit hooks once it commits. `transition_claim` is the compare-and-set
form for sweeps and workers (one UPDATE; whoever loses moves nothing). The map is the only truth about which
statuses an action may come from: services never repeat it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from . import commit
from .audit import audit_record, snapshot
from .error_codes import CoreErrorCode
from .errors import TransitionNotAllowed, ValidationError
from .types import ActorOrSystem

M = TypeVar("M", bound=models.Model)

#: a guard looks at the locked row and raises (TransitionNotAllowed, ValidationError) to refuse the move
Guard = Callable[[M], None]
#: sets further fields on the locked row before it is saved; returns the names of the fields it set
Apply = Callable[[M], Iterable[str]]
#: a side effect inside the transaction, after the save and the audit event: (row, status it came from)
Effect = Callable[[M, str], None]
#: runs once the transaction has committed (enqueue a task, send a mail)
AfterCommit = Callable[[M], None]

#: sent inside the transaction after every transition (and every won `transition_claim`), once the audit event and
#: the effects are written: `sender` is the model, with `instance`, `action`, `source` and `target` (statuses) and
#: `actor`. Engines observe life cycles through it (the webhooks' "status changed" events) without the kernel
#: naming them; a receiver that raises rolls the transition back.
transitioned = Signal()


@dataclass(frozen=True)
class Transition:
    """One action of a life cycle: the statuses it may come from and the status it leads to.

    `event` is the audit action code written when it happens (None: not audited, e.g. a worker's claim);
    `reason` says whether a human must give a reason; `refused` overrides the life cycle's refusal message.
    """

    source: tuple[str, ...]
    target: str
    event: str | None = None
    reason: bool = False
    refused: str | Promise | None = None


@dataclass(frozen=True)
class Transitions:
    """A model's life cycle, keyed by action; the fields a transition writes besides the status."""

    actions: Mapping[str, Transition]
    status_field: str = "status"
    #: the field that keeps the reason of the latest move (cleared when a move needs none)
    reason_field: str | None = None
    #: the field that keeps when the status last changed
    changed_at_field: str | None = None
    #: the refusal message; %(current)s / %(target)s are labels, %(current_lower)s / %(target_lower)s too
    refused: str | Promise = field(
        default=gettext_lazy("This record is %(current)s and cannot become %(target)s.")
    )
    #: the message when an action that needs a reason is given none
    reason_missing: str | Promise = field(default=gettext_lazy("Give a reason."))

    def __getitem__(self, action: str) -> Transition:
        return self.actions[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self.actions)

    def sources(self, action: str) -> tuple[str, ...]:
        """The statuses `action` may come from."""
        return self.actions[action].source

    def allowed(self, status: str) -> list[str]:
        """The actions that may be taken from `status`, in declaration order."""
        return [name for name, spec in self.actions.items() if status in spec.source]

    def targets(self, status: str) -> list[str]:
        """The statuses a record in `status` may move to, each once, in declaration order."""
        return list(dict.fromkeys(self.actions[name].target for name in self.allowed(status)))

    def pairs(self) -> set[tuple[str, str]]:
        """Every (from, to) pair some action allows."""
        return {(source, spec.target) for spec in self.actions.values() for source in spec.source}


def lifecycle_of(model: type[models.Model]) -> Transitions:
    lifecycle = getattr(model, "TRANSITIONS", None)
    if not isinstance(lifecycle, Transitions):
        raise TypeError(f"{model.__name__} declares no TRANSITIONS life cycle.")
    return lifecycle


def lifecycle_models() -> list[type[models.Model]]:
    """Every installed model that declares a life cycle (what the transition test walks)."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy and isinstance(getattr(model, "TRANSITIONS", None), Transitions)
    ]


def allowed_actions(instance: models.Model) -> list[str]:
    """The actions the record's current status allows (for buttons and choice lists)."""
    lifecycle = lifecycle_of(type(instance))
    return lifecycle.allowed(getattr(instance, lifecycle.status_field))


def _label(model: type[models.Model], lifecycle: Transitions, status: str) -> str:
    status_field = model._meta.get_field(lifecycle.status_field)
    choices = dict(status_field.flatchoices) if isinstance(status_field, models.Field) else {}
    return str(choices.get(status, status))


def refusal(
    model: type[models.Model], lifecycle: Transitions, spec: Transition, current: str
) -> TransitionNotAllowed:
    """The TransitionNotAllowed for moving a `current` record by `spec`, naming both statuses."""
    current_label = _label(model, lifecycle, current)
    target_label = _label(model, lifecycle, spec.target)
    message = str(spec.refused or lifecycle.refused) % {
        "current": current_label,
        "target": target_label,
        "current_lower": current_label.lower(),
        "target_lower": target_label.lower(),
    }
    return TransitionNotAllowed(message, current=current, code=CoreErrorCode.INVALID_TRANSITION)


def _body_path(model: type[models.Model]) -> str | None:
    """The path to the record's body, from its tenant queryset ("" for Body itself, None when untenanted)."""
    queryset = model._default_manager.all()
    path = getattr(queryset, "tenant_field", None)
    if path is None and any(f.name == "body" for f in model._meta.get_fields()):
        return "body"
    return path


def _body_of(instance: models.Model) -> Any:
    path = _body_path(type(instance))
    if path is None:
        return None
    if path == "":
        return instance
    value: Any = instance
    for part in path.split("__"):
        value = getattr(value, part, None)
    return value


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def transition(
    instance: M,
    *,
    action: str,
    actor: ActorOrSystem,
    reason: str = "",
    guards: Sequence[Guard[M]] = (),
    apply: Apply[M] | None = None,
    effects: Sequence[Effect[M]] = (),
    after_commit: Sequence[AfterCommit[M]] = (),
    record_before: Sequence[str] = (),
    record_after: Sequence[str] = (),
) -> M:
    """Moves `instance` by its life cycle's `action` under a row lock; returns the locked, saved row.

    Refuses (nothing written) when the current status is not one the action may come from, when a needed
    reason is missing, or when a guard raises. The audit event records the status before and after (plus the
    reason, and the fields named in `record_before` / `record_after`).
    """
    model = type(instance)
    lifecycle = lifecycle_of(model)
    spec = lifecycle[action]
    reason = (reason or "").strip()
    if spec.reason and not reason:
        raise ValidationError(
            {"reason": ValidationError(str(lifecycle.reason_missing), code=CoreErrorCode.REASON_REQUIRED)}
        )
    status_field = lifecycle.status_field
    with transaction.atomic():
        rows = model._default_manager.select_for_update(of=("self",))
        body_path = _body_path(model)
        if body_path:
            rows = rows.select_related(body_path)
        locked = rows.get(pk=instance.pk)
        current: str = getattr(locked, status_field)
        if current not in spec.source:
            raise refusal(model, lifecycle, spec, current)
        for guard in guards:
            guard(locked)
        before: dict[str, Any] = {"status": current, **snapshot(locked, list(record_before))}
        now = timezone.now()
        setattr(locked, status_field, spec.target)
        update = [status_field]
        if lifecycle.reason_field:
            setattr(locked, lifecycle.reason_field, reason)
            update.append(lifecycle.reason_field)
        if lifecycle.changed_at_field:
            setattr(locked, lifecycle.changed_at_field, now)
            update.append(lifecycle.changed_at_field)
        if apply is not None:
            update.extend(apply(locked))
        if _has_field(model, "updated_at"):
            update.append("updated_at")
        locked.save(update_fields=list(dict.fromkeys(update)))
        if spec.event:
            after: dict[str, Any] = {"status": spec.target}
            if spec.reason:
                after["reason"] = reason
            after.update(snapshot(locked, list(record_after)))
            audit_record(
                actor=actor, action=spec.event, obj=locked, body=_body_of(locked), before=before, after=after
            )
        for effect in effects:
            effect(locked, current)
        transitioned.send(
            sender=model, instance=locked, action=action, source=current, target=spec.target, actor=actor
        )
        for hook in after_commit:
            commit.after_commit(hook, locked)
    return locked


def claim(
    model: type[models.Model],
    *,
    pk: Any,
    action: str,
    expected: str | None = None,
    where: Q | None = None,
    values: Mapping[str, Any] | None = None,
) -> int:
    """Compare-and-set without an audit event: one UPDATE that moves the row by `action` only if its status
    is still one the action may come from (`expected`, if given, narrows that to one) and `where` holds.

    Returns the number of rows moved (0 or 1): whoever gets 0 lost the race and must not act.
    """
    lifecycle = lifecycle_of(model)
    spec = lifecycle[action]
    if expected is not None and expected not in spec.source:
        return 0
    sources = [expected] if expected is not None else list(spec.source)
    condition = Q(**{f"{lifecycle.status_field}__in": sources}) & (where or Q())
    changes: dict[str, Any] = {lifecycle.status_field: spec.target, **(values or {})}
    if _has_field(model, "updated_at"):
        changes.setdefault("updated_at", timezone.now())
    return model._default_manager.filter(condition, pk=pk).update(**changes)


def transition_claim(
    instance: models.Model,
    *,
    action: str,
    actor: ActorOrSystem,
    where: Q | None = None,
    values: Mapping[str, Any] | None = None,
) -> bool:
    """`claim` from the status `instance` was read in, with the action's audit event when this caller wins.

    Sweeps use it: a concurrent sweep or a human decision that moved the row first wins cleanly.
    """
    model = type(instance)
    lifecycle = lifecycle_of(model)
    spec = lifecycle[action]
    current: str = getattr(instance, lifecycle.status_field)
    with transaction.atomic():
        if not claim(model, pk=instance.pk, action=action, expected=current, where=where, values=values):
            return False
        if spec.event:
            audit_record(
                actor=actor,
                action=spec.event,
                obj=instance,
                body=_body_of(instance),
                before={"status": current},
                after={"status": spec.target},
            )
        transitioned.send(
            sender=model, instance=instance, action=action, source=current, target=spec.target, actor=actor
        )
    return True


__all__ = [
    "Transition",
    "Transitions",
    "allowed_actions",
    "claim",
    "lifecycle_models",
    "lifecycle_of",
    "refusal",
    "transition",
    "transition_claim",
    "transitioned",
]
