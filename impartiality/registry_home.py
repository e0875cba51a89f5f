"""The impartiality capability's part of the registry home (`core.registry_home`): the registry's own open
impartiality risks whose next review has passed, the most overdue first, each linking to its page in the back
office where staff keep the registry's register. The queue costs two queries (the count and its oldest rows);
bodies' registers are the bodies' own and are not queued here.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry_home import Queue, QueueRow, QueueState, days_between, register

from .models import RegistryRisk, RiskStatus


def registry_risks_to_review(*, today: date, limit: int) -> QueueState:
    """The registry's own open impartiality risks whose next review has passed (today after it), the most
    overdue first: two queries."""
    overdue = RegistryRisk.objects.filter(status=RiskStatus.OPEN, next_review_on__lt=today)
    changelist = reverse("admin:impartiality_registryrisk_changelist")
    query = urlencode({"status__exact": RiskStatus.OPEN, "next_review_on__lt": today.isoformat()})
    rows = [
        QueueRow(
            label=risk.title,
            url=reverse("admin:impartiality_registryrisk_change", args=[risk.pk]),
            detail=risk.get_threat_display(),
            on=risk.next_review_on,
            days=days_between(risk.next_review_on, today),
        )
        for risk in overdue.order_by("next_review_on", "title", "id")[:limit]
    ]
    return QueueState(count=overdue.count(), url=f"{changelist}?{query}", rows=rows)


register(
    Queue(
        key="impartiality.registry_risks",
        title=_("Registry impartiality risks to review"),
        state=registry_risks_to_review,
        label_heading=_("Risk"),
        on_label=_("Review was due on"),
        days_label=_("Days overdue"),
        empty=_("No registry impartiality risk is past its review date."),
        order=60,
    )
)
