from __future__ import annotations

from celery import shared_task

from .services import import_parse


@shared_task(acks_late=True)
def import_parse_task(batch_id: str) -> str | None:
    """Reads a large import file after its upload committed; a rerun leaves an already read batch alone."""
    batch = import_parse(batch_id=batch_id)
    return None if batch is None else batch.status
