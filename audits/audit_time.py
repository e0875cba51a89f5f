"""Audit time (IAF MD 5, and IAF MD 11 for integrated systems): the calculator an engagement's time comes from.

Pure arithmetic on `Decimal` (never a binary float) over the versioned tables of the reference app
(`reference.AuditTimeTable`, read by `time_table`, the only function here that touches the database). Every
result carries its steps in words (`justification()`, translated into the active language: stored with the
engagement and printed in the audit plan) and a JSON-serialisable form (`as_dict()`, read back by
`from_dict`, so the words can be rendered again in another language).

How the rules are read (IAF MD 5 Issue 4, 2019; the README beside the tables):
- The table gives the initial audit time (stage 1 + stage 2) by effective personnel and, for EMS and OHSMS,
  complexity. Above the last band the table says to follow its progression: the calculator continues the
  last two bands (each further band as many days more as the last step, and as much wider, in proportion, as
  the last band was than the one before) and says it is extrapolating.
- Adjustments are percentages of the table's time, each with a written reason. Reductions compound (each
  applies to the time the ones before it left), and together they may remove at most 30 % of the table's
  time: the limit is on the reductions alone, whatever increases there are. Increases compound too.
- Surveillance is one third and recertification two thirds of an initial calculation made afresh (the
  table's time with this calculation's adjustments); the initial audit takes all of it.
- Rounding happens once, at the end, to the nearest half day, a quarter day rounding up (ROUND_HALF_UP on
  the doubled figure): 1.25 → 1.5, 1.24 → 1.0, 1.75 → 2.0. One audit day is 8 hours; a longer day does not
  shorten the time.
- At least 80 % of the time is spent on site; the days on site are rounded up to the half day, so the share
  never drops below the one asked for.
- Where no table applies, the time is entered by hand with a written justification: an EMS of special
  complexity (no column), GHG validation and verification (no published duration table exists under
  ISO 14065 / ISO 14064-3: the tables are refused for them) and standards MD 5 has no table for.
- Integrated systems (IAF MD 11): the per-standard times (each with its own MD 5 and MD 1 reductions) are
  added, unrounded, then reduced by at most 20 % for integration, and the total rounded once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.error_codes import CoreErrorCode
from core.errors import ValidationError, coded, field_error
from reference.models import AUDIT_TIME_COLUMNS, AuditTimeComplexity, AuditTimeScheme, AuditTimeTable

from .error_codes import AuditsErrorCode

__all__ = [
    "GHG",
    "OTHER",
    "Adjustment",
    "AdjustmentKind",
    "AuditTime",
    "Band",
    "Extrapolation",
    "InitialTime",
    "IntegratedTime",
    "TimeStage",
    "TimeTable",
    "audit_time",
    "entered_time",
    "from_dict",
    "initial_time",
    "integrated_time",
    "round_half_day",
    "scheme_for_standard",
    "time_table",
]

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


# --- values ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A row of a table: effective personnel `min_personnel`..`max_personnel` (both included) → `days`."""

    min_personnel: int
    max_personnel: int
    days: Decimal
    disputed: bool = False
    disputed_note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_personnel": self.min_personnel,
            "max_personnel": self.max_personnel,
            "days": str(self.days),
            "disputed": self.disputed,
            "disputed_note": self.disputed_note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Band:
        return cls(
            min_personnel=int(data["min_personnel"]),
            max_personnel=int(data["max_personnel"]),
            days=Decimal(data["days"]),
            disputed=bool(data.get("disputed", False)),
            disputed_note=str(data.get("disputed_note", "")),
        )


@dataclass(frozen=True)
class TimeTable:
    """One column of one version of a table, its bands ascending and contiguous from 1."""

    scheme: str
    complexity: str
    source: str
    version: str
    valid_from: date
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Extrapolation:
    """How a figure above the last band was reached: the table's last two bands and how many bands more."""

    previous_band: Band
    last_band: Band
    day_step: Decimal
    width_factor: Decimal
    bands_added: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous_band": self.previous_band.as_dict(),
            "last_band": self.last_band.as_dict(),
            "day_step": str(self.day_step),
            "width_factor": str(self.width_factor),
            "bands_added": self.bands_added,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Extrapolation:
        return cls(
            previous_band=Band.from_dict(data["previous_band"]),
            last_band=Band.from_dict(data["last_band"]),
            day_step=Decimal(data["day_step"]),
            width_factor=Decimal(data["width_factor"]),
            bands_added=int(data["bands_added"]),
        )


@dataclass(frozen=True)
class InitialTime:
    """The table's initial audit time (stage 1 + stage 2) for an organisation, and where it came from."""

    scheme: str
    complexity: str
    effective_personnel: int
    source: str
    version: str
    valid_from: date
    band: Band
    extrapolation: Extrapolation | None = None

    @property
    def days(self) -> Decimal:
        return self.band.days

    @property
    def extrapolated(self) -> bool:
        return self.extrapolation is not None

    @property
    def disputed(self) -> bool:
        return self.band.disputed

    def as_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "complexity": self.complexity,
            "effective_personnel": self.effective_personnel,
            "source": self.source,
            "version": self.version,
            "valid_from": self.valid_from.isoformat(),
            "band": self.band.as_dict(),
            "days": str(self.days),
            "extrapolated": self.extrapolated,
            "disputed": self.disputed,
            "extrapolation": self.extrapolation.as_dict() if self.extrapolation else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InitialTime:
        return cls(
            scheme=str(data["scheme"]),
            complexity=str(data["complexity"]),
            effective_personnel=int(data["effective_personnel"]),
            source=str(data["source"]),
            version=str(data["version"]),
            valid_from=date.fromisoformat(data["valid_from"]),
            band=Band.from_dict(data["band"]),
            extrapolation=Extrapolation.from_dict(data["extrapolation"])
            if data.get("extrapolation")
            else None,
        )

    def justification(self) -> list[str]:
        lines = [
            _("%(source)s (%(version)s), table for %(scheme)s, valid from %(valid_from)s.")
            % {
                "source": self.source,
                "version": self.version,
                "scheme": scheme_label(self.scheme),
                "valid_from": formats.date_format(self.valid_from),
            }
        ]
        values = {
            "personnel": _count(self.effective_personnel),
            "complexity": _complexity_label(self.complexity),
            "low": _count(self.band.min_personnel),
            "high": _count(self.band.max_personnel),
            "days": _days(self.band.days),
        }
        if self.extrapolation is None:
            if self.complexity:
                line = _(
                    "Effective personnel %(personnel)s, %(complexity)s: the band %(low)s–%(high)s gives "
                    "%(days)s days of initial audit time (stage 1 and stage 2)."
                )
            else:
                line = _(
                    "Effective personnel %(personnel)s: the band %(low)s–%(high)s gives %(days)s days of "
                    "initial audit time (stage 1 and stage 2)."
                )
            lines.append(line % values)
        else:
            extrapolation = self.extrapolation
            lines.append(
                _(
                    "Effective personnel %(personnel)s is above the table's last band (%(last_low)s–"
                    "%(last_high)s: %(last_days)s days), and the table says to follow its progression. "
                    "Continuing its last two bands (each band %(step)s days more than the one before and "
                    "%(factor)s times as wide) for %(count)s more bands gives the band %(low)s–%(high)s: "
                    "%(days)s days of initial audit time (stage 1 and stage 2). This figure is extrapolated, "
                    "not read from the table."
                )
                % {
                    **values,
                    "last_low": _count(extrapolation.last_band.min_personnel),
                    "last_high": _count(extrapolation.last_band.max_personnel),
                    "last_days": _days(extrapolation.last_band.days),
                    "step": _number(extrapolation.day_step),
                    "factor": _number(extrapolation.width_factor),
                    "count": _count(extrapolation.bands_added),
                }
            )
        if self.band.disputed:
            lines.append(
                _("The table's figure for this band is disputed: %(note)s")
                % {"note": self.band.disputed_note}
            )
        return lines


@dataclass(frozen=True)
class Adjustment:
    """A reduction or increase of audit time by a percentage, with the written reason for it."""

    kind: str
    percent: Decimal
    reason: str

    @property
    def factor(self) -> Decimal:
        share = self.percent / HUNDRED
        return Decimal(1) - share if self.kind == AdjustmentKind.REDUCTION else Decimal(1) + share

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "percent": str(self.percent), "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjustment:
        return cls(kind=str(data["kind"]), percent=Decimal(data["percent"]), reason=str(data["reason"]))

    def describe(self) -> str:
        if self.kind == AdjustmentKind.REDUCTION:
            return _("Reduction of %(percent)s %%: %(reason)s") % {
                "percent": _number(self.percent),
                "reason": self.reason,
            }
        return _("Increase of %(percent)s %%: %(reason)s") % {
            "percent": _number(self.percent),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class AuditTime:
    """The audit time of one standard at one stage: from a table (`initial` set) or entered by hand
    (`entered_justification` set), with its adjustments, the days, the hours and the days on site."""

    scheme: str
    stage: str
    complexity: str
    initial: InitialTime | None
    adjustments: tuple[Adjustment, ...]
    entered_justification: str
    on_site_percent: Decimal
    #: the time before rounding (the table's time, adjusted, times the stage's share; or the time entered)
    exact_days: Decimal

    @property
    def entered_by_hand(self) -> bool:
        return self.initial is None

    @property
    def days(self) -> Decimal:
        return round_half_day(self.exact_days)

    @property
    def hours(self) -> Decimal:
        return self.days * HOURS_PER_DAY

    @property
    def on_site_days(self) -> Decimal:
        return _on_site_days(self.days, self.on_site_percent)

    @property
    def off_site_days(self) -> Decimal:
        return self.days - self.on_site_days

    @property
    def extrapolated(self) -> bool:
        return self.initial is not None and self.initial.extrapolated

    @property
    def disputed(self) -> bool:
        return self.initial is not None and self.initial.disputed

    @property
    def reduction_percent(self) -> Decimal:
        """The reductions together, compounded, as a percentage of the table's time."""
        return _compound_reduction_percent(self.adjustments)

    @property
    def adjusted_days(self) -> Decimal:
        """The table's time after the adjustments, before the stage's share (the time entered, when entered)."""
        if self.initial is None:
            return self.exact_days
        return self.initial.days * _factor(self.adjustments)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "audit_time",
            "scheme": self.scheme,
            "stage": self.stage,
            "complexity": self.complexity,
            "initial": self.initial.as_dict() if self.initial else None,
            "adjustments": [adjustment.as_dict() for adjustment in self.adjustments],
            "entered_justification": self.entered_justification,
            "on_site_percent": str(self.on_site_percent),
            "exact_days": str(self.exact_days),
            "days": str(self.days),
            "hours": str(self.hours),
            "on_site_days": str(self.on_site_days),
            "off_site_days": str(self.off_site_days),
            "reduction_percent": str(self.reduction_percent),
            "entered_by_hand": self.entered_by_hand,
            "extrapolated": self.extrapolated,
            "disputed": self.disputed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditTime:
        return cls(
            scheme=str(data["scheme"]),
            stage=str(data["stage"]),
            complexity=str(data["complexity"]),
            initial=InitialTime.from_dict(data["initial"]) if data.get("initial") else None,
            adjustments=tuple(Adjustment.from_dict(item) for item in data.get("adjustments", ())),
            entered_justification=str(data.get("entered_justification", "")),
            on_site_percent=Decimal(data["on_site_percent"]),
            exact_days=Decimal(data["exact_days"]),
        )

    def justification(self) -> list[str]:
        """Every step, in words, in the active language."""
        lines = [
            _("%(stage)s, %(scheme)s.")
            % {"stage": TimeStage(self.stage).label, "scheme": scheme_label(self.scheme)}
        ]
        if self.initial is None:
            lines.append(_entered_reason(self.scheme, self.complexity))
            lines.append(
                _("Time entered by hand: %(days)s days. Justification: %(justification)s")
                % {"days": _days(self.exact_days), "justification": self.entered_justification}
            )
            lines.append(_hours_line(self.days))
        else:
            lines.extend(self.initial.justification())
            lines.extend(_adjustment_lines(self.adjustments, self.adjusted_days))
            if self.stage == TimeStage.SURVEILLANCE:
                lines.append(
                    _(
                        "Surveillance audit: one third of the initial audit time: %(time)s ÷ 3 = %(days)s days."
                    )
                    % {"time": _days(self.adjusted_days), "days": _days(self.exact_days)}
                )
            elif self.stage == TimeStage.RECERTIFICATION:
                lines.append(
                    _(
                        "Recertification audit: two thirds of the initial audit time calculated afresh: "
                        "%(time)s × 2 ÷ 3 = %(days)s days."
                    )
                    % {"time": _days(self.adjusted_days), "days": _days(self.exact_days)}
                )
            lines.append(_rounding_line(self.days))
        lines.append(_on_site_line(self.on_site_percent, self.on_site_days, self.off_site_days))
        return lines

    def justification_text(self) -> str:
        return "\n".join(self.justification())


@dataclass(frozen=True)
class IntegratedTime:
    """An integrated management system's audit time (IAF MD 11): the standards' times added, then reduced for
    integration."""

    parts: tuple[AuditTime, ...]
    reduction: Adjustment | None
    on_site_percent: Decimal

    @property
    def stage(self) -> str:
        return self.parts[0].stage

    @property
    def sum_days(self) -> Decimal:
        return sum((part.exact_days for part in self.parts), Decimal(0))

    @property
    def exact_days(self) -> Decimal:
        return self.sum_days * (self.reduction.factor if self.reduction else Decimal(1))

    @property
    def days(self) -> Decimal:
        return round_half_day(self.exact_days)

    @property
    def hours(self) -> Decimal:
        return self.days * HOURS_PER_DAY

    @property
    def on_site_days(self) -> Decimal:
        return _on_site_days(self.days, self.on_site_percent)

    @property
    def off_site_days(self) -> Decimal:
        return self.days - self.on_site_days

    @property
    def extrapolated(self) -> bool:
        return any(part.extrapolated for part in self.parts)

    @property
    def disputed(self) -> bool:
        return any(part.disputed for part in self.parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "integrated_audit_time",
            "stage": self.stage,
            "parts": [part.as_dict() for part in self.parts],
            "reduction": self.reduction.as_dict() if self.reduction else None,
            "on_site_percent": str(self.on_site_percent),
            "sum_days": str(self.sum_days),
            "exact_days": str(self.exact_days),
            "days": str(self.days),
            "hours": str(self.hours),
            "on_site_days": str(self.on_site_days),
            "off_site_days": str(self.off_site_days),
            "extrapolated": self.extrapolated,
            "disputed": self.disputed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IntegratedTime:
        return cls(
            parts=tuple(AuditTime.from_dict(part) for part in data["parts"]),
            reduction=Adjustment.from_dict(data["reduction"]) if data.get("reduction") else None,
            on_site_percent=Decimal(data["on_site_percent"]),
        )

    def justification(self) -> list[str]:
        lines = [
            _(
                "Integrated management system (IAF MD 11): the time of each standard, calculated below, is "
                "added, then reduced for integration."
            )
        ]
        for part in self.parts:
            lines.append("")
            lines.extend(part.justification())
        lines.append("")
        lines.append(
            _("Sum of the standards' times (before rounding): %(parts)s = %(days)s days.")
            % {
                "parts": " + ".join(_days(part.exact_days) for part in self.parts),
                "days": _days(self.sum_days),
            }
        )
        if self.reduction is not None:
            lines.append(
                _("Reduction for integration of %(percent)s %% (at most %(limit)s %%): %(reason)s")
                % {
                    "percent": _number(self.reduction.percent),
                    "limit": _number(MAX_INTEGRATION_REDUCTION_PERCENT),
                    "reason": self.reduction.reason,
                }
            )
            lines.append(
                _("After the reduction for integration: %(days)s days.") % {"days": _days(self.exact_days)}
            )
        lines.append(_rounding_line(self.days))
        lines.append(_on_site_line(self.on_site_percent, self.on_site_days, self.off_site_days))
        return lines

    def justification_text(self) -> str:
        return "\n".join(self.justification())


def from_dict(data: Mapping[str, Any]) -> AuditTime | IntegratedTime:
    """A stored calculation (`as_dict()`), read back: its words can then be rendered in any language."""
    if data.get("kind") == "integrated_audit_time":
        return IntegratedTime.from_dict(data)
    return AuditTime.from_dict(data)


# --- the calculator -------------------------------------------------------------------------------------------


def scheme_for_standard(*, code: str, kind: str) -> str:
    """The audit-time scheme of an engagement under a standard (a `reference.Standard`'s code and kind): an
    IAF MD 5 table's scheme, `GHG` (validation / verification: no table) or `OTHER` (no table either)."""
    if kind in GHG_STANDARD_KINDS:
        return GHG
    return STANDARD_SCHEMES.get(code, OTHER)


def time_table(*, scheme: str, complexity: str = "", on: date) -> TimeTable:
    """The column of the table valid on the day `on` (the latest version whose `valid_from` is on or before
    it). Two queries."""
    _check_table_scheme(scheme, complexity)
    table = AuditTimeTable.objects.filter(scheme=scheme, valid_from__lte=on).order_by("-valid_from").first()
    if table is None:
        raise field_error(
            "scheme",
            _("No audit-time table for %(scheme)s is valid on %(day)s.")
            % {"scheme": scheme_label(scheme), "day": formats.date_format(on)},
            AuditsErrorCode.NO_TIME_TABLE,
        )
    bands = tuple(
        Band(
            min_personnel=band.min_personnel,
            max_personnel=band.max_personnel,
            days=band.days,
            disputed=band.disputed,
            disputed_note=band.disputed_note,
        )
        for band in table.bands.filter(complexity=complexity).order_by("min_personnel")
    )
    expected_start = 1
    for band in bands:
        if band.min_personnel != expected_start:
            raise ValueError(f"{table}: the bands of {complexity or 'the column'} are not contiguous from 1")
        expected_start = band.max_personnel + 1
    if len(bands) < 2:
        raise ValueError(f"{table}: {complexity or 'the column'} has fewer than two bands")
    return TimeTable(
        scheme=scheme,
        complexity=complexity,
        source=table.source,
        version=table.version,
        valid_from=table.valid_from,
        bands=bands,
    )


def initial_time(
    *, scheme: str, effective_personnel: int, complexity: str = "", on: date, table: TimeTable | None = None
) -> InitialTime:
    """The initial audit time (stage 1 + stage 2) from the table valid on `on` (or the `table` given): the
    band holding `effective_personnel`, or above the last band the table's progression, said to be
    extrapolated."""
    _check_table_scheme(scheme, complexity)
    if (
        isinstance(effective_personnel, bool)
        or not isinstance(effective_personnel, int)
        or effective_personnel < 1
    ):
        raise field_error(
            "effective_personnel",
            _("Give the effective number of personnel: a whole number of at least 1."),
            AuditsErrorCode.EFFECTIVE_PERSONNEL_INVALID,
        )
    if table is None:
        table = time_table(scheme=scheme, complexity=complexity, on=on)
    extrapolation = None
    band = next((band for band in table.bands if band.max_personnel >= effective_personnel), None)
    if band is None:
        band, extrapolation = _extrapolate(table.bands, effective_personnel)
    return InitialTime(
        scheme=scheme,
        complexity=complexity,
        effective_personnel=effective_personnel,
        source=table.source,
        version=table.version,
        valid_from=table.valid_from,
        band=band,
        extrapolation=extrapolation,
    )


def audit_time(
    *,
    scheme: str,
    stage: str,
    effective_personnel: int,
    complexity: str = "",
    on: date,
    adjustments: Iterable[Adjustment] = (),
    on_site_percent: Decimal | int | str = HUNDRED,
    table: TimeTable | None = None,
) -> AuditTime:
    """One standard's audit time at one stage from the table: the initial time for the organisation as it is
    on `on`, adjusted (each adjustment with its reason, reductions at most 30 % together), times the stage's
    share (surveillance 1/3, recertification 2/3), rounded once to the nearest half day; at least 80 % on site."""
    stage = _check_stage(stage)
    checked = _check_adjustments(tuple(adjustments))
    on_site = _check_on_site(on_site_percent)
    initial = initial_time(
        scheme=scheme, effective_personnel=effective_personnel, complexity=complexity, on=on, table=table
    )
    numerator, denominator = STAGE_SHARE[stage]
    exact = initial.days * _factor(checked) * numerator / denominator
    return AuditTime(
        scheme=scheme,
        stage=stage,
        complexity=complexity,
        initial=initial,
        adjustments=checked,
        entered_justification="",
        on_site_percent=on_site,
        exact_days=exact,
    )


def entered_time(
    *,
    scheme: str,
    stage: str,
    days: Decimal | int | str,
    justification: str,
    complexity: str = "",
    on_site_percent: Decimal | int | str = HUNDRED,
) -> AuditTime:
    """Audit time entered by hand where no table applies — GHG validation and verification, an EMS of special
    complexity, a standard without a table — in half days, with a written justification (required)."""
    stage = _check_stage(stage)
    if not (
        scheme in (GHG, OTHER)
        or (scheme == AuditTimeScheme.EMS and complexity == AuditTimeComplexity.SPECIAL)
    ):
        raise field_error(
            "days",
            _(
                "This audit time comes from the IAF MD 5 table; adjust it with reasons instead of entering it."
            ),
            AuditsErrorCode.ENTERED_TIME_NOT_ALLOWED,
        )
    value = _decimal(days, "days", AuditsErrorCode.DAYS_NOT_HALF_DAYS)
    if value <= 0 or value % HALF_DAY != 0:
        raise field_error(
            "days",
            _("Enter the audit time in half days (0.5, 1, 1.5 …)."),
            AuditsErrorCode.DAYS_NOT_HALF_DAYS,
        )
    if not justification.strip():
        raise field_error(
            "justification",
            _("Explain in writing how the audit time was decided."),
            AuditsErrorCode.TIME_JUSTIFICATION_REQUIRED,
        )
    return AuditTime(
        scheme=scheme,
        stage=stage,
        complexity=complexity,
        initial=None,
        adjustments=(),
        entered_justification=justification.strip(),
        on_site_percent=_check_on_site(on_site_percent),
        exact_days=value,
    )


def integrated_time(
    *,
    parts: Sequence[AuditTime],
    reduction: Adjustment | None = None,
    on_site_percent: Decimal | int | str = HUNDRED,
) -> IntegratedTime:
    """An integrated system's time (IAF MD 11): the standards' times of one stage added, then reduced by at
    most 20 % for integration (after their own reductions, compounding with them)."""
    parts = tuple(parts)
    schemes = [part.scheme for part in parts]
    table_schemes = [
        scheme for scheme in schemes if scheme != OTHER
    ]  # standards without a table may be several
    if (
        len(parts) < 2
        or len(set(table_schemes)) != len(table_schemes)
        or len({part.stage for part in parts}) != 1
        or GHG in schemes
    ):
        raise field_error(
            "parts",
            _(
                "An integrated management system adds the times of two or more management-system standards, "
                "each once, all for the same stage."
            ),
            AuditsErrorCode.INTEGRATED_PARTS_INVALID,
        )
    if reduction is not None:
        (reduction,) = _check_adjustments((reduction,), field="reduction")
        if reduction.kind != AdjustmentKind.REDUCTION:
            raise field_error(
                "reduction", _("Integration can only reduce the time."), CoreErrorCode.INVALID_CHOICE
            )
        if reduction.percent > MAX_INTEGRATION_REDUCTION_PERCENT:
            raise field_error(
                "reduction",
                _("The reduction for integration may be at most %(limit)s %%.")
                % {"limit": _number(MAX_INTEGRATION_REDUCTION_PERCENT)},
                AuditsErrorCode.INTEGRATION_REDUCTION_TOO_LARGE,
            )
    return IntegratedTime(parts=parts, reduction=reduction, on_site_percent=_check_on_site(on_site_percent))


def round_half_day(days: Decimal) -> Decimal:
    """To the nearest half day, a quarter day rounding up: 1.25 → 1.5, 1.24 → 1.0, 1.75 → 2.0."""
    return ((days * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2).quantize(ONE_PLACE)


# --- checks and arithmetic ------------------------------------------------------------------------------------


def scheme_label(scheme: str) -> str:
    if scheme == GHG:
        return _("GHG validation and verification")
    if scheme == OTHER:
        return _("a standard without an IAF MD 5 table")
    return str(AuditTimeScheme(scheme).label)


def _check_table_scheme(scheme: str, complexity: str) -> None:
    if scheme == GHG:
        raise field_error(
            "scheme",
            _(
                "No published audit-time table exists for GHG validation or verification (ISO 14065, "
                "ISO 14064-3): the IAF MD 5 tables do not apply. Enter the time by hand with a justification."
            ),
            AuditsErrorCode.GHG_NO_TIME_TABLE,
        )
    if scheme not in AUDIT_TIME_COLUMNS:
        raise field_error(
            "scheme",
            _(
                "IAF MD 5 has no audit-time table for this standard. Enter the time by hand with a justification."
            ),
            AuditsErrorCode.NO_TIME_TABLE,
        )
    if scheme == AuditTimeScheme.EMS and complexity == AuditTimeComplexity.SPECIAL:
        raise field_error(
            "complexity",
            _(
                "IAF MD 5 has no column for environmental management systems of special complexity. Enter the "
                "time by hand with a justification."
            ),
            AuditsErrorCode.TIME_ENTERED_BY_HAND,
        )
    columns = AUDIT_TIME_COLUMNS[scheme]
    if complexity not in columns:
        if columns == ("",):
            message = _("The table for %(scheme)s has no complexity categories.") % {
                "scheme": scheme_label(scheme)
            }
        else:
            message = _("Choose the complexity: %(choices)s.") % {
                "choices": ", ".join(_complexity_label(column) for column in columns)
            }
        raise field_error("complexity", message, AuditsErrorCode.COMPLEXITY_INVALID)


def _check_stage(stage: str) -> str:
    if stage not in STAGE_SHARE:
        raise field_error("stage", _("Choose the stage of the audit."), CoreErrorCode.INVALID_CHOICE)
    return str(TimeStage(stage))


def _decimal(value: Decimal | int | str, field: str, code: AuditsErrorCode) -> Decimal:
    """A number from a Decimal, an int or a string; never a binary float."""
    if isinstance(value, float | bool):
        raise TypeError(f"{field}: give a Decimal, an int or a str, not {type(value).__name__}")
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise field_error(field, _("Enter a number."), code) from None
    if not number.is_finite():
        raise field_error(field, _("Enter a number."), code)
    return number


def _check_adjustments(
    adjustments: tuple[Adjustment, ...], field: str = "adjustments"
) -> tuple[Adjustment, ...]:
    errors: list[ValidationError] = []
    checked: list[Adjustment] = []
    for number, adjustment in enumerate(adjustments, start=1):
        if adjustment.kind not in AdjustmentKind.values:
            errors.append(
                coded(
                    _("Adjustment %(number)s: choose a reduction or an increase.") % {"number": number},
                    CoreErrorCode.INVALID_CHOICE,
                )
            )
            continue
        percent = _decimal(adjustment.percent, field, AuditsErrorCode.ADJUSTMENT_PERCENT_INVALID)
        if percent <= 0 or (adjustment.kind == AdjustmentKind.REDUCTION and percent >= HUNDRED):
            errors.append(
                coded(
                    _("Adjustment %(number)s: give a percentage above 0 (a reduction below 100).")
                    % {"number": number},
                    AuditsErrorCode.ADJUSTMENT_PERCENT_INVALID,
                )
            )
        reason = adjustment.reason.strip()
        if not reason:
            errors.append(
                coded(
                    _("Adjustment %(number)s: give the written reason for it.") % {"number": number},
                    AuditsErrorCode.ADJUSTMENT_REASON_REQUIRED,
                )
            )
        checked.append(Adjustment(kind=str(AdjustmentKind(adjustment.kind)), percent=percent, reason=reason))
    if errors:
        raise ValidationError({field: errors})
    total = _compound_reduction_percent(checked)
    if field == "adjustments" and total > MAX_REDUCTION_PERCENT:
        raise field_error(
            field,
            _(
                "The reductions together remove %(total)s %% of the table's time; IAF MD 5 allows at most "
                "%(limit)s %%."
            )
            % {"total": _number(total), "limit": _number(MAX_REDUCTION_PERCENT)},
            AuditsErrorCode.REDUCTION_TOO_LARGE,
        )
    return tuple(checked)


def _check_on_site(value: Decimal | int | str) -> Decimal:
    percent = _decimal(value, "on_site_percent", AuditsErrorCode.ON_SITE_TOO_LOW)
    if percent < MIN_ON_SITE_PERCENT:
        raise field_error(
            "on_site_percent",
            _("At least %(limit)s %% of the audit time is spent on site.")
            % {"limit": _number(MIN_ON_SITE_PERCENT)},
            AuditsErrorCode.ON_SITE_TOO_LOW,
        )
    if percent > HUNDRED:
        raise field_error(
            "on_site_percent", _("At most %(limit)s %%.") % {"limit": _number(HUNDRED)}, CoreErrorCode.INVALID
        )
    return percent


def _factor(adjustments: Iterable[Adjustment]) -> Decimal:
    factor = Decimal(1)
    for adjustment in adjustments:
        factor *= adjustment.factor
    return factor


def _compound_reduction_percent(adjustments: Iterable[Adjustment]) -> Decimal:
    remaining = _factor(
        adjustment for adjustment in adjustments if adjustment.kind == AdjustmentKind.REDUCTION
    )
    return (Decimal(1) - remaining) * HUNDRED


def _on_site_days(days: Decimal, percent: Decimal) -> Decimal:
    """The days on site, rounded up to the half day, so the share never falls below `percent`."""
    halves = (days * percent / HUNDRED * 2).to_integral_value(rounding=ROUND_CEILING)
    return min(days, (halves / 2).quantize(ONE_PLACE))


def _extrapolate(bands: tuple[Band, ...], personnel: int) -> tuple[Band, Extrapolation]:
    """Follows the progression of the last two bands past the last one: each further band `day_step` days more,
    and `width_factor` times as wide as the band before (widths kept exact, edges rounded half up)."""
    previous, last = bands[-2], bands[-1]
    step = last.days - previous.days
    last_width = Decimal(last.max_personnel - last.min_personnel + 1)
    factor = max(last_width / Decimal(previous.max_personnel - previous.min_personnel + 1), Decimal(1))
    width, low, high, days, added = last_width, last.min_personnel, last.max_personnel, last.days, 0
    if factor == 1:
        # bands of one width: jump straight to the one holding `personnel`
        skipped = (personnel - high - 1) // int(width)
        high += skipped * int(width)
        days += skipped * step
        added += skipped
    while personnel > high:
        width *= factor
        low, high = high + 1, high + int(width.to_integral_value(rounding=ROUND_HALF_UP))
        days += step
        added += 1
    band = Band(min_personnel=low, max_personnel=high, days=days)
    return band, Extrapolation(
        previous_band=previous, last_band=last, day_step=step, width_factor=factor, bands_added=added
    )


# --- words ----------------------------------------------------------------------------------------------------


def _entered_reason(scheme: str, complexity: str) -> str:
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


def _adjustment_lines(adjustments: tuple[Adjustment, ...], adjusted_days: Decimal) -> list[str]:
    if not adjustments:
        return [_("No reductions or increases.")]
    lines = [adjustment.describe() for adjustment in adjustments]
    reductions = [adjustment for adjustment in adjustments if adjustment.kind == AdjustmentKind.REDUCTION]
    if len(reductions) > 1:
        lines.append(
            _(
                "The reductions compound (each applies to the time the ones before it left): together "
                "%(total)s %%, within the limit of %(limit)s %%."
            )
            % {
                "total": _number(_compound_reduction_percent(reductions)),
                "limit": _number(MAX_REDUCTION_PERCENT),
            }
        )
    elif reductions:
        lines.append(
            _("The reduction is within the limit of %(limit)s %%.")
            % {"limit": _number(MAX_REDUCTION_PERCENT)}
        )
    lines.append(
        _("Initial audit time after the adjustments: %(days)s days.") % {"days": _days(adjusted_days)}
    )
    return lines


def _rounding_line(days: Decimal) -> str:
    return _(
        "Rounded once, to the nearest half day (a quarter day rounds up): %(days)s days, that is %(hours)s "
        "hours (one audit day is 8 hours; longer working days do not shorten the time)."
    ) % {"days": _days(days), "hours": _number(days * HOURS_PER_DAY)}


def _hours_line(days: Decimal) -> str:
    return _(
        "%(days)s days, that is %(hours)s hours (one audit day is 8 hours; longer working days do not shorten "
        "the time)."
    ) % {"days": _days(days), "hours": _number(days * HOURS_PER_DAY)}


def _on_site_line(percent: Decimal, on_site: Decimal, off_site: Decimal) -> str:
    return _(
        "On site: %(percent)s %% of the time (at least %(limit)s %%): %(on_site)s days on site (rounded up to the "
        "half day) and %(off_site)s days off site."
    ) % {
        "percent": _number(percent),
        "limit": _number(MIN_ON_SITE_PERCENT),
        "on_site": _days(on_site),
        "off_site": _days(off_site),
    }


def _complexity_label(complexity: str) -> str:
    return str(AuditTimeComplexity(complexity).label) if complexity else ""


def _count(value: int) -> str:
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def _number(value: Decimal) -> str:
    """A figure as the language writes it, with at most two decimals (≈ when it had more)."""
    shown = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    places = (
        0
        if shown == shown.to_integral_value()
        else (1 if shown * 10 == (shown * 10).to_integral_value() else 2)
    )
    text = formats.number_format(shown, decimal_pos=places, use_l10n=True, force_grouping=True)
    return text if shown == value else f"≈ {text}"


def _days(value: Decimal) -> str:
    return _number(value)
