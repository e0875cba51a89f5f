"""The kernel's periodic work: the nightly checkpoint of the audit chains and their verification."""

from __future__ import annotations

import logging

from celery import shared_task

from .audit import TrailReport, audit_verify_all, chain_broken
from .audit_checkpoints import checkpoint_write

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def audit_checkpoint_task() -> str:
    """Nightly: a signed checkpoint of every chain's head, written outside the database; returns its name."""
    return checkpoint_write()


@shared_task(acks_late=True)
def audit_verify_task() -> int:
    """Nightly: verifies every chain with the key and against every checkpoint. A problem is logged as an error
    and sent as `core.audit.chain_broken` (the reminders engine tells registry staff, once per distinct set of
    problems per day). Returns the number of problems."""
    report = audit_verify_all()
    if not report.ok:
        logger.error("The audit trail does not verify: %s", "; ".join(report.problems))
        chain_broken.send(sender=TrailReport, report=report, problems=report.problems)
    return len(report.problems)
