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

from .calculator import (
    audit_time,
    check_adjustments,
    check_on_site,
    check_stage,
    decimal_value,
    entered_time,
    initial_time,
    integrated_time,
    scheme_for_standard,
    time_table,
)
from .rules import (
    GHG,
    HOURS_PER_DAY,
    MAX_INTEGRATION_REDUCTION_PERCENT,
    MAX_REDUCTION_PERCENT,
    MIN_ON_SITE_PERCENT,
    OTHER,
    AdjustmentKind,
    TimeStage,
    round_half_day,
)
from .values import (
    Adjustment,
    AuditTime,
    Band,
    Extrapolation,
    InitialTime,
    IntegratedTime,
    TimeTable,
    from_dict,
)
from .words import count_text, days_text, number_text, scheme_label

__all__ = [
    "GHG",
    "HOURS_PER_DAY",
    "MAX_INTEGRATION_REDUCTION_PERCENT",
    "MAX_REDUCTION_PERCENT",
    "MIN_ON_SITE_PERCENT",
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
    "check_adjustments",
    "check_on_site",
    "check_stage",
    "count_text",
    "days_text",
    "decimal_value",
    "entered_time",
    "from_dict",
    "initial_time",
    "integrated_time",
    "number_text",
    "round_half_day",
    "scheme_for_standard",
    "scheme_label",
    "time_table",
]
