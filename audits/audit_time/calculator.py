"""The calculator: the table valid on a day, the initial time, one standard's time at a stage, time entered by
hand, integrated systems; and the checks every input passes (errors with `AuditsErrorCode` codes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext as _

from core.error_codes import CoreErrorCode
from core.errors import ValidationError, coded, field_error
from reference.models import AUDIT_TIME_COLUMNS, AuditTimeComplexity, AuditTimeScheme, AuditTimeTable

from ..error_codes import AuditsErrorCode
from .rules import (
    GHG,
    GHG_STANDARD_KINDS,
    HALF_DAY,
    HUNDRED,
    MAX_INTEGRATION_REDUCTION_PERCENT,
    MAX_REDUCTION_PERCENT,
    MIN_ON_SITE_PERCENT,
    OTHER,
    STAGE_SHARE,
    STANDARD_SCHEMES,
    AdjustmentKind,
    TimeStage,
)
from .values import (
    Adjustment,
    AuditTime,
    Band,
    Extrapolation,
    InitialTime,
    IntegratedTime,
    TimeTable,
    combined_factor,
    compound_reduction_percent,
)
from .words import complexity_label, number_text, scheme_label


def scheme_for_standard(*, code: str, kind: str) -> str:
    """The audit-time scheme of an engagement under a standard (a `reference.Standard`'s code and kind): an
    IAF MD 5 table's scheme, `GHG` (validation / verification: no table) or `OTHER` (no table either)."""
    if kind in GHG_STANDARD_KINDS:
        return GHG
    return STANDARD_SCHEMES.get(code, OTHER)


def time_table(*, scheme: str, complexity: str = "", on: date) -> TimeTable:
    """The column of the table valid on the day `on` (the latest version whose `valid_from` is on or before
    it). Two queries."""
    check_table_scheme(scheme, complexity)
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
    check_table_scheme(scheme, complexity)
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
    stage = check_stage(stage)
    checked = check_adjustments(tuple(adjustments))
    on_site = check_on_site(on_site_percent)
    initial = initial_time(
        scheme=scheme, effective_personnel=effective_personnel, complexity=complexity, on=on, table=table
    )
    numerator, denominator = STAGE_SHARE[stage]
    exact = initial.days * combined_factor(checked) * numerator / denominator
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
    stage = check_stage(stage)
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
    value = decimal_value(days, "days", AuditsErrorCode.DAYS_NOT_HALF_DAYS)
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
        on_site_percent=check_on_site(on_site_percent),
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
        (reduction,) = check_adjustments((reduction,), field="reduction")
        if reduction.kind != AdjustmentKind.REDUCTION:
            raise field_error(
                "reduction", _("Integration can only reduce the time."), CoreErrorCode.INVALID_CHOICE
            )
        if reduction.percent > MAX_INTEGRATION_REDUCTION_PERCENT:
            raise field_error(
                "reduction",
                _("The reduction for integration may be at most %(limit)s %%.")
                % {"limit": number_text(MAX_INTEGRATION_REDUCTION_PERCENT)},
                AuditsErrorCode.INTEGRATION_REDUCTION_TOO_LARGE,
            )
    return IntegratedTime(parts=parts, reduction=reduction, on_site_percent=check_on_site(on_site_percent))


def check_table_scheme(scheme: str, complexity: str) -> None:
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
                "choices": ", ".join(complexity_label(column) for column in columns)
            }
        raise field_error("complexity", message, AuditsErrorCode.COMPLEXITY_INVALID)


def check_stage(stage: str) -> str:
    if stage not in STAGE_SHARE:
        raise field_error("stage", _("Choose the stage of the audit."), CoreErrorCode.INVALID_CHOICE)
    return str(TimeStage(stage))


def decimal_value(value: Decimal | int | str, field: str, code: AuditsErrorCode) -> Decimal:
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


def check_adjustments(
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
        percent = decimal_value(adjustment.percent, field, AuditsErrorCode.ADJUSTMENT_PERCENT_INVALID)
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
    total = compound_reduction_percent(checked)
    if field == "adjustments" and total > MAX_REDUCTION_PERCENT:
        raise field_error(
            field,
            _(
                "The reductions together remove %(total)s %% of the table's time; IAF MD 5 allows at most "
                "%(limit)s %%."
            )
            % {"total": number_text(total), "limit": number_text(MAX_REDUCTION_PERCENT)},
            AuditsErrorCode.REDUCTION_TOO_LARGE,
        )
    return tuple(checked)


def check_on_site(value: Decimal | int | str) -> Decimal:
    percent = decimal_value(value, "on_site_percent", AuditsErrorCode.ON_SITE_TOO_LOW)
    if percent < MIN_ON_SITE_PERCENT:
        raise field_error(
            "on_site_percent",
            _("At least %(limit)s %% of the audit time is spent on site.")
            % {"limit": number_text(MIN_ON_SITE_PERCENT)},
            AuditsErrorCode.ON_SITE_TOO_LOW,
        )
    if percent > HUNDRED:
        raise field_error(
            "on_site_percent",
            _("At most %(limit)s %%.") % {"limit": number_text(HUNDRED)},
            CoreErrorCode.INVALID,
        )
    return percent


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
