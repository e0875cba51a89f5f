"""Background rendering. Tasks take ids, run on the `pdf` queue, and are safe to run twice."""

from __future__ import annotations

import logging

from botocore.exceptions import ConnectionClosedError, EndpointConnectionError
from celery import shared_task
from django.db import InterfaceError, OperationalError

from .models import Document
from .services import document_render, documents_reconcile

logger = logging.getLogger(__name__)

#: errors worth trying again (storage hiccups, the database restarting); anything else is recorded as failed. An S3
#: service out of reach or dropping the connection is botocore's own error, not an OSError (its time-outs are)
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError, EndpointConnectionError, ConnectionClosedError)


@shared_task(
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
)
def document_render_task(document_id: str) -> str | None:
    """Renders one document; returns its status, or None when the row is gone."""
    status = Document.objects.filter(pk=document_id).values_list("status", flat=True).first()
    if status is None or status == Document.Status.READY:
        return status
    try:
        return document_render(document_id=document_id).status
    except TRANSIENT_ERRORS:
        raise
    except Document.DoesNotExist:
        return None
    except Exception:
        # Recorded on the row as failed; registry staff re-render it from the back office once it is fixed.
        logger.exception("Rendering document %s failed.", document_id)
        return Document.Status.FAILED


@shared_task(acks_late=True)
def documents_reconcile_task() -> int:
    """Picks up renders the broker lost or a dead worker dropped (scheduled in CELERY_BEAT_SCHEDULE)."""
    document_ids = documents_reconcile()
    for document_id in document_ids:
        document_render_task.delay(str(document_id))
    if document_ids:
        logger.info("Re-enqueued %s document render(s).", len(document_ids))
    return len(document_ids)
