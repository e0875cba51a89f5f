"""Multi-site sampling (IAF MD 1): how many of a client's sites an audit visits, and how much the time of a
sampled site may be reduced.

x is the number of sites other than the central function. The sample is rounded up: initial √x, surveillance
0.6·√x, recertification 0.8·√x; the central function is audited every time, on top of the sample. Where
sampling is not allowed (dissimilar sites, or the scheme forbids it) every site is audited at initial and
recertification, and at least 30 % of the sites (rounded up; read as 30 % of the x sites other than the
central function, which is audited every time as well) in each surveillance year. The time of a sampled
site may be reduced by at most 50 %.

The arithmetic is exact on integers: ⌈(p/q)·√x⌉ is the least k with (k·q)² ≥ p²·x, found with `math.isqrt`,
so a perfect square never lands one site off (x = 16 → 4, x = 17 → 5, 0.6·√25 = 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from math import isqrt
from typing import Any

from django.utils.translation import gettext as _

from core.error_codes import CoreErrorCode
from core.errors import field_error

from .audit_time import (
    Adjustment,
    AdjustmentKind,
    TimeStage,
    check_adjustments,
    check_stage,
    count_text,
    days_text,
    decimal_value,
    number_text,
    round_half_day,
)
from .error_codes import AuditsErrorCode

__all__ = ["Sample", "SiteTime", "ceil_ratio_sqrt", "sample_size", "sampled_site_time"]

#: the share of √x each stage samples (numerator, denominator): 1, 0.6, 0.8
SAMPLE_SHARE: dict[str, tuple[int, int]] = {
    TimeStage.INITIAL: (1, 1),
    TimeStage.SURVEILLANCE: (3, 5),
    TimeStage.RECERTIFICATION: (4, 5),
}
#: where sampling is not allowed: the share of the sites each surveillance audits (30 %)
NO_SAMPLING_SURVEILLANCE_SHARE = (3, 10)
MAX_SITE_REDUCTION_PERCENT = Decimal(50)


def ceil_ratio_sqrt(numerator: int, denominator: int, x: int) -> int:
    """⌈(numerator / denominator)·√x⌉, exactly: the least k ≥ 0 with (k·denominator)² ≥ numerator²·x."""
    target = numerator * numerator * x
    root = isqrt(target)
    if root * root < target:
        root += 1  # the least integer m with m² ≥ target
    return -(-root // denominator)  # the least k with k·denominator ≥ m


@dataclass(frozen=True)
class Sample:
    """How many sites an audit visits: `sampled_sites` of the `sites` other than the central function, plus
    the central function."""

    sites: int
    stage: str
    sampling_allowed: bool
    sampled_sites: int

    @property
    def total_sites(self) -> int:
        """The sites visited, the central function included."""
        return self.sampled_sites + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "sample",
            "sites": self.sites,
            "stage": self.stage,
            "sampling_allowed": self.sampling_allowed,
            "sampled_sites": self.sampled_sites,
            "central_function": 1,
            "total_sites": self.total_sites,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Sample:
        return cls(
            sites=int(data["sites"]),
            stage=str(data["stage"]),
            sampling_allowed=bool(data["sampling_allowed"]),
            sampled_sites=int(data["sampled_sites"]),
        )

    def justification(self) -> list[str]:
        values = {
            "stage": TimeStage(self.stage).label,
            "sites": count_text(self.sites),
            "sample": count_text(self.sampled_sites),
            "total": count_text(self.total_sites),
        }
        if self.sampling_allowed:
            numerator, denominator = SAMPLE_SHARE[self.stage]
            share = Decimal(numerator) / Decimal(denominator)
            exact = share * Decimal(self.sites).sqrt()
            rule = "√x" if share == 1 else f"{number_text(share)} × √x"
            line = _(
                "%(stage)s: %(sites)s sites besides the central function (x). Sample (IAF MD 1): %(rule)s = "
                "%(exact)s, rounded up: %(sample)s sites, plus the central function, audited every time: "
                "%(total)s sites in all."
            ) % {**values, "rule": rule, "exact": number_text(exact)}
        elif self.stage == TimeStage.SURVEILLANCE:
            exact = Decimal(self.sites) * Decimal("0.3")
            line = _(
                "%(stage)s: %(sites)s sites besides the central function. Sampling is not allowed, so at least "
                "30 %% of the sites are audited each year: %(exact)s, rounded up: %(sample)s sites, plus the "
                "central function: %(total)s sites in all."
            ) % {**values, "exact": number_text(exact)}
        else:
            line = (
                _(
                    "%(stage)s: %(sites)s sites besides the central function. Sampling is not allowed, so every "
                    "site is audited: %(sample)s sites and the central function, %(total)s sites in all."
                )
                % values
            )
        return [line]

    def justification_text(self) -> str:
        return "\n".join(self.justification())


def sample_size(*, sites: int, stage: str, sampling_allowed: bool = True) -> Sample:
    """The sample of a multi-site client's audit (IAF MD 1); `sites` counts the sites other than the central
    function."""
    stage = check_stage(stage)
    if isinstance(sites, bool) or not isinstance(sites, int) or sites < 0:
        raise field_error(
            "sites",
            _("Give the number of sites besides the central function: a whole number of at least 0."),
            AuditsErrorCode.SITE_COUNT_INVALID,
        )
    if sampling_allowed:
        numerator, denominator = SAMPLE_SHARE[stage]
        sampled = min(sites, ceil_ratio_sqrt(numerator, denominator, sites))
    elif stage == TimeStage.SURVEILLANCE:
        numerator, denominator = NO_SAMPLING_SURVEILLANCE_SHARE
        sampled = -(-sites * numerator // denominator)
    else:
        sampled = sites
    return Sample(sites=sites, stage=stage, sampling_allowed=sampling_allowed, sampled_sites=sampled)


@dataclass(frozen=True)
class SiteTime:
    """The audit time of one sampled site: its full time, reduced by at most 50 % with a written reason."""

    full_days: Decimal
    reduction: Adjustment | None

    @property
    def exact_days(self) -> Decimal:
        return self.full_days * (self.reduction.factor if self.reduction else Decimal(1))

    @property
    def days(self) -> Decimal:
        return round_half_day(self.exact_days)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": "site_time",
            "full_days": str(self.full_days),
            "reduction": self.reduction.as_dict() if self.reduction else None,
            "exact_days": str(self.exact_days),
            "days": str(self.days),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteTime:
        return cls(
            full_days=Decimal(data["full_days"]),
            reduction=Adjustment.from_dict(data["reduction"]) if data.get("reduction") else None,
        )

    def justification(self) -> list[str]:
        if self.reduction is None:
            return [_("Time of the site: %(days)s days, not reduced.") % {"days": days_text(self.days)}]
        return [
            _(
                "Time of the site: %(full)s days, reduced by %(percent)s %% (at most 50 %%): %(reason)s. "
                "Rounded to the nearest half day: %(days)s days."
            )
            % {
                "full": days_text(self.full_days),
                "percent": number_text(self.reduction.percent),
                "reason": self.reduction.reason,
                "days": days_text(self.days),
            }
        ]


def sampled_site_time(*, days: Decimal | int | str, reduction: Adjustment | None = None) -> SiteTime:
    """A sampled site's time, reduced by at most 50 % (IAF MD 1), the reduction with its written reason."""
    full = decimal_value(days, "days", AuditsErrorCode.DAYS_NOT_HALF_DAYS)
    if full <= 0:
        raise field_error(
            "days", _("Give the site's audit time in days."), AuditsErrorCode.DAYS_NOT_HALF_DAYS
        )
    if reduction is not None:
        (reduction,) = check_adjustments((reduction,), field="reduction")
        if reduction.kind != AdjustmentKind.REDUCTION:
            raise field_error("reduction", _("Only a reduction applies here."), CoreErrorCode.INVALID_CHOICE)
        if reduction.percent > MAX_SITE_REDUCTION_PERCENT:
            raise field_error(
                "reduction",
                _("The time of a sampled site may be reduced by at most %(limit)s %%.")
                % {"limit": number_text(MAX_SITE_REDUCTION_PERCENT)},
                AuditsErrorCode.SITE_REDUCTION_TOO_LARGE,
            )
    return SiteTime(full_days=full, reduction=reduction)
