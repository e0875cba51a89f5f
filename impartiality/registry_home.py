"""The impartiality capability's registry_home declarations (see docs/DEVELOPING.md)."""

from __future__ import annotations

# --- declarations, reviews and conflicts (H2) ---
# --- risk registers and committee (H3) ---
from datetime import date as _date
from urllib.parse import urlencode as _urlencode

from django.urls import reverse as _reverse
from django.utils.translation import gettext_lazy as _lazy

from core.registry_home import Queue as _Queue
from core.registry_home import QueueRow as _QueueRow
from core.registry_home import QueueState as _QueueState
from core.registry_home import days_between as _days_between
from core.registry_home import register as _register_queue

from .models.register import RegistryRisk as _RegistryRisk
from .models.register import RiskStatus as _RiskStatus


def registry_risks_to_review(*, today: _date, limit: int) -> _QueueState:
    """The registry's own open impartiality risks whose next review has passed (today after it), the most
    overdue first: two queries."""
    overdue = _RegistryRisk.objects.filter(status=_RiskStatus.OPEN, next_review_on__lt=today)
    changelist = _reverse("admin:impartiality_registryrisk_changelist")
    query = _urlencode({"status__exact": _RiskStatus.OPEN, "next_review_on__lt": today.isoformat()})
    rows = [
        _QueueRow(
            label=risk.title,
            url=_reverse("admin:impartiality_registryrisk_change", args=[risk.pk]),
            detail=risk.get_threat_display(),
            on=risk.next_review_on,
            days=_days_between(risk.next_review_on, today),
        )
        for risk in overdue.order_by("next_review_on", "title", "id")[:limit]
    ]
    return _QueueState(count=overdue.count(), url=f"{changelist}?{query}", rows=rows)


_register_queue(
    _Queue(
        key="impartiality.registry_risks",
        title=_lazy("Registry impartiality risks to review"),
        state=registry_risks_to_review,
        label_heading=_lazy("Risk"),
        on_label=_lazy("Review was due on"),
        days_label=_lazy("Days overdue"),
        empty=_lazy("No registry impartiality risk is past its review date."),
        order=60,
    )
)
