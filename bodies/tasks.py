from celery import shared_task

from .services import accreditations_expire


@shared_task(acks_late=True)
def accreditations_expire_task() -> int:
    """Hourly: accreditations whose validity ended (in their body's time zone) become expired."""
    return accreditations_expire()
