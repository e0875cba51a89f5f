from __future__ import annotations

import logging

from celery import shared_task

from .services import import_parse, imports_reconcile

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def import_parse_task(batch_id: str) -> str | None:
    """Reads a large import file after its upload committed; a rerun leaves an already read batch alone."""
    batch = import_parse(batch_id=batch_id)
    return None if batch is None else batch.status


@shared_task(acks_late=True)
def imports_reconcile_task() -> int:
    """Picks up reads the broker lost or a dead worker dropped (scheduled in CELERY_BEAT_SCHEDULE)."""
    batch_ids = imports_reconcile()
    for batch_id in batch_ids:
        import_parse_task.delay(str(batch_id))
    if batch_ids:
        logger.info("Re-enqueued %s import read(s).", len(batch_ids))
    return len(batch_ids)
