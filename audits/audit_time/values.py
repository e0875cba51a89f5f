"""The results of the calculator: what they hold, their words (`justification()`) and their stored form
(`as_dict()` / `from_dict`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from .rules import (
    HOURS_PER_DAY,
    HUNDRED,
    MAX_INTEGRATION_REDUCTION_PERCENT,
    MAX_REDUCTION_PERCENT,
    AdjustmentKind,
    TimeStage,
    on_site_days,
    round_half_day,
)
from .words import (
    complexity_label,
    count_text,
    days_text,
    entered_reason,
    hours_line,
    number_text,
    on_site_line,
    rounding_line,
    scheme_label,
)


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
            "personnel": count_text(self.effective_personnel),
            "complexity": complexity_label(self.complexity),
            "low": count_text(self.band.min_personnel),
            "high": count_text(self.band.max_personnel),
            "days": days_text(self.band.days),
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
                    "last_low": count_text(extrapolation.last_band.min_personnel),
                    "last_high": count_text(extrapolation.last_band.max_personnel),
                    "last_days": days_text(extrapolation.last_band.days),
                    "step": number_text(extrapolation.day_step),
                    "factor": number_text(extrapolation.width_factor),
                    "count": count_text(extrapolation.bands_added),
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
                "percent": number_text(self.percent),
                "reason": self.reason,
            }
        return _("Increase of %(percent)s %%: %(reason)s") % {
            "percent": number_text(self.percent),
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
        return on_site_days(self.days, self.on_site_percent)

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
        return compound_reduction_percent(self.adjustments)

    @property
    def adjusted_days(self) -> Decimal:
        """The table's time after the adjustments, before the stage's share (the time entered, when entered)."""
        if self.initial is None:
            return self.exact_days
        return self.initial.days * combined_factor(self.adjustments)

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
            lines.append(entered_reason(self.scheme, self.complexity))
            lines.append(
                _("Time entered by hand: %(days)s days. Justification: %(justification)s")
                % {"days": days_text(self.exact_days), "justification": self.entered_justification}
            )
            lines.append(hours_line(self.days))
        else:
            lines.extend(self.initial.justification())
            lines.extend(_adjustment_lines(self.adjustments, self.adjusted_days))
            if self.stage == TimeStage.SURVEILLANCE:
                lines.append(
                    _(
                        "Surveillance audit: one third of the initial audit time: %(time)s ÷ 3 = %(days)s days."
                    )
                    % {"time": days_text(self.adjusted_days), "days": days_text(self.exact_days)}
                )
            elif self.stage == TimeStage.RECERTIFICATION:
                lines.append(
                    _(
                        "Recertification audit: two thirds of the initial audit time calculated afresh: "
                        "%(time)s × 2 ÷ 3 = %(days)s days."
                    )
                    % {"time": days_text(self.adjusted_days), "days": days_text(self.exact_days)}
                )
            lines.append(rounding_line(self.days))
        lines.append(on_site_line(self.on_site_percent, self.on_site_days, self.off_site_days))
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
        return on_site_days(self.days, self.on_site_percent)

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
                "parts": " + ".join(days_text(part.exact_days) for part in self.parts),
                "days": days_text(self.sum_days),
            }
        )
        if self.reduction is not None:
            lines.append(
                _("Reduction for integration of %(percent)s %% (at most %(limit)s %%): %(reason)s")
                % {
                    "percent": number_text(self.reduction.percent),
                    "limit": number_text(MAX_INTEGRATION_REDUCTION_PERCENT),
                    "reason": self.reduction.reason,
                }
            )
            lines.append(
                _("After the reduction for integration: %(days)s days.")
                % {"days": days_text(self.exact_days)}
            )
        lines.append(rounding_line(self.days))
        lines.append(on_site_line(self.on_site_percent, self.on_site_days, self.off_site_days))
        return lines

    def justification_text(self) -> str:
        return "\n".join(self.justification())


def from_dict(data: Mapping[str, Any]) -> AuditTime | IntegratedTime:
    """A stored calculation (`as_dict()`), read back: its words can then be rendered in any language."""
    if data.get("kind") == "integrated_audit_time":
        return IntegratedTime.from_dict(data)
    return AuditTime.from_dict(data)


def combined_factor(adjustments: Iterable[Adjustment]) -> Decimal:
    factor = Decimal(1)
    for adjustment in adjustments:
        factor *= adjustment.factor
    return factor


def compound_reduction_percent(adjustments: Iterable[Adjustment]) -> Decimal:
    remaining = combined_factor(
        adjustment for adjustment in adjustments if adjustment.kind == AdjustmentKind.REDUCTION
    )
    return (Decimal(1) - remaining) * HUNDRED


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
                "total": number_text(compound_reduction_percent(reductions)),
                "limit": number_text(MAX_REDUCTION_PERCENT),
            }
        )
    elif reductions:
        lines.append(
            _("The reduction is within the limit of %(limit)s %%.")
            % {"limit": number_text(MAX_REDUCTION_PERCENT)}
        )
    lines.append(
        _("Initial audit time after the adjustments: %(days)s days.") % {"days": days_text(adjusted_days)}
    )
    return lines
