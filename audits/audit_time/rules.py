"""The rules' numbers and choices (IAF MD 5, MD 11), and the two roundings every result uses."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy

from reference.models import AuditTimeScheme

#: a GHG validation or verification: no published duration table (ISO 14065, ISO 14064-3)
GHG = "ghg"
#: a standard IAF MD 5 has no table for (energy management, product certification)
OTHER = "other"

HOURS_PER_DAY = Decimal(8)
MAX_REDUCTION_PERCENT = Decimal(30)
MIN_ON_SITE_PERCENT = Decimal(80)
MAX_INTEGRATION_REDUCTION_PERCENT = Decimal(20)
HUNDRED = Decimal(100)
HALF_DAY = Decimal("0.5")
ONE_PLACE = Decimal("0.1")

#: the standards whose engagements read an IAF MD 5 table (by reference.Standard code)
STANDARD_SCHEMES: dict[str, str] = {
    "iso-9001": AuditTimeScheme.QMS,
    "iso-14001": AuditTimeScheme.EMS,
    "iso-45001": AuditTimeScheme.OHSMS,
}
#: reference.Standard kinds whose engagements are GHG validations or verifications
GHG_STANDARD_KINDS = frozenset({"ghg", "programme"})


class TimeStage(models.TextChoices):
    INITIAL = "initial", gettext_lazy("Initial audit (stage 1 and stage 2)")
    SURVEILLANCE = "surveillance", gettext_lazy("Surveillance audit")
    RECERTIFICATION = "recertification", gettext_lazy("Recertification audit")


#: the share of an initial calculation each stage takes (numerator, denominator)
STAGE_SHARE: dict[str, tuple[int, int]] = {
    TimeStage.INITIAL: (1, 1),
    TimeStage.SURVEILLANCE: (1, 3),
    TimeStage.RECERTIFICATION: (2, 3),
}


class AdjustmentKind(models.TextChoices):
    REDUCTION = "reduction", gettext_lazy("Reduction")
    INCREASE = "increase", gettext_lazy("Increase")


def round_half_day(days: Decimal) -> Decimal:
    """To the nearest half day, a quarter day rounding up: 1.25 → 1.5, 1.24 → 1.0, 1.75 → 2.0."""
    return ((days * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2).quantize(ONE_PLACE)


def on_site_days(days: Decimal, percent: Decimal) -> Decimal:
    """The days on site, rounded up to the half day, so the share never falls below `percent`."""
    halves = (days * percent / HUNDRED * 2).to_integral_value(rounding=ROUND_CEILING)
    return min(days, (halves / 2).quantize(ONE_PLACE))
