from celery import shared_task

from .services import competences_expire


@shared_task(acks_late=True)
def competences_expire_task() -> int:
    """Hourly: competences whose validity ended (in their body's time zone) become expired."""
    return competences_expire()
