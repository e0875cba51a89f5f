"""Celery application. Queues: `pdf` (document rendering), `email` (notifications), `default` (the rest)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icr.settings")

app = Celery("icr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
