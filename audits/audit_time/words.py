"""The audit-time calculation in words: labels, figures as the active language writes them, the common lines."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from reference.models import AuditTimeComplexity, AuditTimeScheme

from .rules import GHG, HOURS_PER_DAY, MIN_ON_SITE_PERCENT, OTHER


def scheme_label(scheme: str) -> str:
    if scheme == GHG:
        return _("GHG validation and verification")
    if scheme == OTHER:
        return _("a standard without an IAF MD 5 table")
    return str(AuditTimeScheme(scheme).label)


def complexity_label(complexity: str) -> str:
    return str(AuditTimeComplexity(complexity).label) if complexity else ""


def count_text(value: int) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def number_text(value: Decimal) -> str:
    """A figure as the language writes it, with at most two decimals (≈ when it had more)."""
    shown = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    places = (
        0
        if shown == shown.to_integral_value()
        else (1 if shown * 10 == (shown * 10).to_integral_value() else 2)
    )
    text = formats.number_format(shown, decimal_pos=places, use_l10n=True, force_grouping=True)
    return text if shown == value else f"≈ {text}"


def days_text(value: Decimal) -> str:
    return number_text(value)


def entered_reason(scheme: str, complexity: str) -> str:
    if scheme == GHG:
        return _(
            "No published audit-time table exists for GHG validation or verification (ISO 14065, ISO 14064-3): "
            "the time is entered by hand."
        )
    if complexity == AuditTimeComplexity.SPECIAL:
        return _(
            "IAF MD 5 has no column for environmental management systems of special complexity: the time is "
            "entered by hand."
        )
    return _("IAF MD 5 has no audit-time table for this standard: the time is entered by hand.")


def rounding_line(days: Decimal) -> str:
    return _(
        "Rounded once, to the nearest half day (a quarter day rounds up): %(days)s days, that is %(hours)s "
        "hours (one audit day is 8 hours; longer working days do not shorten the time)."
    ) % {"days": days_text(days), "hours": number_text(days * HOURS_PER_DAY)}


def hours_line(days: Decimal) -> str:
    return _(
        "%(days)s days, that is %(hours)s hours (one audit day is 8 hours; longer working days do not shorten "
        "the time)."
    ) % {"days": days_text(days), "hours": number_text(days * HOURS_PER_DAY)}


def on_site_line(percent: Decimal, on_site: Decimal, off_site: Decimal) -> str:
    return _(
        "On site: %(percent)s %% of the time (at least %(limit)s %%): %(on_site)s days on site (rounded up to the "
        "half day) and %(off_site)s days off site."
    ) % {
        "percent": number_text(percent),
        "limit": number_text(MIN_ON_SITE_PERCENT),
        "on_site": days_text(on_site),
        "off_site": days_text(off_site),
    }
