"""The audit-time calculator (IAF MD 5, MD 11): every row of every table, the band edges, extrapolation, the
disputed cell, the limits at their boundaries, rounding, the stages' shares, hours, time entered by hand, GHG
refused, integrated systems, and the stored form."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from audits.audit_time import (
    GHG,
    OTHER,
    Adjustment,
    AuditTime,
    Band,
    IntegratedTime,
    TimeTable,
    audit_time,
    entered_time,
    from_dict,
    initial_time,
    integrated_time,
    round_half_day,
    scheme_for_standard,
)
from core.errors import ValidationError

from .test_audit_time_reference import ROWS

pytestmark = pytest.mark.django_db

ON = date(2026, 12, 7)


def reduction(percent: str, reason: str = "Low-risk, repetitive processes") -> Adjustment:
    return Adjustment(kind="reduction", percent=Decimal(percent), reason=reason)


def increase(percent: str, reason: str = "Complex logistics between sites") -> Adjustment:
    return Adjustment(kind="increase", percent=Decimal(percent), reason=reason)


def refused(call, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """The error codes by field of a refused call."""
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return {field: [item.code for item in items] for field, items in error.value.error_dict.items()}


# --- every row of every table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("scheme", "complexity", "low", "high", "days"), ROWS)
def test_every_row_gives_its_days_at_both_ends_of_its_band(scheme, complexity, low, high, days):
    for personnel in (low, high):
        # when the initial time is calculated for the band's first and last head count
        result = initial_time(scheme=scheme, effective_personnel=personnel, complexity=complexity, on=ON)

        # then it is the row's figure, from this band, read (not extrapolated) from Issue 4
        assert result.days == days
        assert (result.band.min_personnel, result.band.max_personnel) == (low, high)
        assert result.extrapolated is False
        assert result.version == "Issue 4, 2019"
        assert result.disputed is ((scheme, complexity, low) == ("ems", "limited", 626))


@pytest.mark.parametrize(("scheme", "complexity", "low", "high", "days"), ROWS)
def test_every_row_gives_a_third_at_surveillance_and_two_thirds_at_recertification(
    scheme, complexity, low, high, days
):
    # when each stage's time is calculated for the band
    times = {
        stage: audit_time(scheme=scheme, stage=stage, effective_personnel=high, complexity=complexity, on=ON)
        for stage in ("initial", "surveillance", "recertification")
    }

    # then initial is the table's time, surveillance a third, recertification two thirds, each rounded once
    assert times["initial"].days == days
    assert times["surveillance"].exact_days == days / 3
    assert times["surveillance"].days == round_half_day(days / 3)
    assert times["recertification"].exact_days == days * 2 / 3
    assert times["recertification"].days == round_half_day(days * 2 / 3)


def test_the_band_edges():
    # then 5 people are the first band (1.5 days) and 6 the second (2 days); 10,700 is still the last band
    assert initial_time(scheme="qms", effective_personnel=5, on=ON).days == Decimal("1.5")
    assert initial_time(scheme="qms", effective_personnel=6, on=ON).days == Decimal("2.0")
    assert initial_time(scheme="qms", effective_personnel=1, on=ON).days == Decimal("1.5")
    last = initial_time(scheme="qms", effective_personnel=10_700, on=ON)
    assert (last.days, last.extrapolated) == (Decimal("22.0"), False)


@pytest.mark.parametrize("personnel", [0, -1, True, "5", 5.0])
def test_effective_personnel_is_a_whole_number_of_at_least_one(personnel):
    assert refused(initial_time, scheme="qms", effective_personnel=personnel, on=ON) == {
        "effective_personnel": ["effective_personnel_invalid"]
    }


@pytest.mark.parametrize(
    ("scheme", "complexity", "code"),
    [
        ("qms", "high", "complexity_invalid"),  # QMS has no complexity columns
        ("ems", "", "complexity_invalid"),
        ("ohsms", "limited", "complexity_invalid"),  # OHSMS has three levels
        ("ohsms", "special", "complexity_invalid"),
        ("ems", "special", "time_entered_by_hand"),  # no column: entered by hand
    ],
)
def test_the_complexity_must_be_one_of_the_tables_columns(scheme, complexity, code):
    assert refused(initial_time, scheme=scheme, effective_personnel=50, complexity=complexity, on=ON) == {
        "complexity": [code]
    }


# --- above the last band --------------------------------------------------------------------------------------


def test_above_10700_the_progression_is_followed_and_said_to_be_extrapolated():
    # when the QMS time is calculated for 10,701 people
    result = initial_time(scheme="qms", effective_personnel=10_701, on=ON)

    # then the next band continues the last two (1 day more, 2200/1700 times as wide) and says it is extrapolated
    assert result.extrapolated is True
    assert result.days == Decimal("23.0")
    assert (result.band.min_personnel, result.band.max_personnel) == (10_701, 13_547)
    assert result.extrapolation is not None
    assert result.extrapolation.bands_added == 1
    assert result.extrapolation.day_step == Decimal("1.0")
    assert result.extrapolation.width_factor == Decimal(2200) / Decimal(1700)
    with translation.override("en"):
        text = " ".join(result.justification())
    assert "above the table's last band (8,501–10,700: 22 days)" in text
    assert "This figure is extrapolated, not read from the table." in text


@pytest.mark.parametrize(
    ("personnel", "days", "band"),
    [
        (13_547, Decimal("23.0"), (10_701, 13_547)),
        (13_548, Decimal("24.0"), (13_548, 17_231)),
        (50_000, Decimal("29.0"), (46_489, 59_861)),
    ],
)
def test_the_progression_continues_band_by_band(personnel, days, band):
    result = initial_time(scheme="qms", effective_personnel=personnel, on=ON)
    assert (result.days, (result.band.min_personnel, result.band.max_personnel)) == (days, band)
    assert result.extrapolated is True


def test_the_ems_progression_follows_its_own_step():
    # then EMS high continues by 2 days a band (32 → 34 → 36)
    result = initial_time(scheme="ems", effective_personnel=11_000, complexity="high", on=ON)
    assert (result.days, result.extrapolated) == (Decimal("36.0"), True)


def test_a_table_of_equal_bands_extrapolates_by_equal_bands():
    # given a table whose last two bands are equally wide
    table = TimeTable(
        scheme="qms",
        complexity="",
        source="Test",
        version="1",
        valid_from=date(2020, 1, 1),
        bands=(Band(1, 10, Decimal(1)), Band(11, 20, Decimal(2))),
    )

    # then the bands continue ten wide, a day more each
    far = initial_time(scheme="qms", effective_personnel=1000, on=ON, table=table)
    near = initial_time(scheme="qms", effective_personnel=21, on=ON, table=table)
    assert (far.band.min_personnel, far.band.max_personnel, far.days) == (991, 1000, Decimal(100))
    assert (near.band.min_personnel, near.band.max_personnel, near.days) == (21, 30, Decimal(3))


# --- the disputed cell ----------------------------------------------------------------------------------------


def test_the_disputed_cell_is_flagged_in_the_result_and_its_words():
    # when the EMS time is calculated for 700 people of limited complexity
    result = audit_time(scheme="ems", stage="initial", effective_personnel=700, complexity="limited", on=ON)

    # then the figure used is 6.5, flagged disputed, and the justification says so
    assert result.days == Decimal("6.5")
    assert result.disputed is True
    assert result.as_dict()["disputed"] is True
    with translation.override("en"):
        assert any(
            line.startswith("The table's figure for this band is disputed: Sources disagree")
            for line in result.justification()
        )
    # and the neighbouring bands are not
    assert initial_time(scheme="ems", effective_personnel=625, complexity="limited", on=ON).disputed is False
    assert initial_time(scheme="ems", effective_personnel=876, complexity="limited", on=ON).disputed is False


# --- adjustments ----------------------------------------------------------------------------------------------


def qms_100(**kwargs) -> AuditTime:  # type: ignore[no-untyped-def]
    """100 people: the band 86–125, 7 days."""
    return audit_time(**{"scheme": "qms", "stage": "initial", "effective_personnel": 100, "on": ON, **kwargs})


def test_a_30_percent_reduction_is_accepted():
    result = qms_100(adjustments=[reduction("30")])
    assert result.reduction_percent == Decimal(30)
    assert result.exact_days == Decimal("4.9")
    assert result.days == Decimal("5.0")


def test_a_30_01_percent_reduction_is_refused():
    assert refused(qms_100, adjustments=[reduction("30.01")]) == {"adjustments": ["reduction_too_large"]}


def test_reductions_compound():
    # given 20 % and 12.5 %: added 32.5 %, compounded 1 - 0.8 × 0.875 = 30 %
    result = qms_100(adjustments=[reduction("20"), reduction("12.5")])

    # then accepted, at exactly 30 %
    assert result.reduction_percent == Decimal(30)
    assert result.exact_days == Decimal("4.9")
    # and a hair more is refused
    assert refused(qms_100, adjustments=[reduction("20"), reduction("12.52")]) == {
        "adjustments": ["reduction_too_large"]
    }


def test_increases_do_not_make_room_for_larger_reductions():
    # then the 30 % limit is on the reductions alone
    assert refused(qms_100, adjustments=[reduction("35"), increase("20")]) == {
        "adjustments": ["reduction_too_large"]
    }
    # and an increase with a reduction compounds: 7 × 1.2 × 0.75 = 6.3 → 6.5
    result = qms_100(adjustments=[increase("20"), reduction("25")])
    assert (result.exact_days, result.days) == (Decimal("6.3"), Decimal("6.5"))


@pytest.mark.parametrize("reason", ["", "   "])
def test_every_adjustment_needs_a_written_reason(reason):
    assert refused(qms_100, adjustments=[reduction("10"), increase("5", reason=reason)]) == {
        "adjustments": ["adjustment_reason_required"]
    }


@pytest.mark.parametrize(
    "adjustment",
    [
        Adjustment(kind="reduction", percent=Decimal(0), reason="None"),
        Adjustment(kind="reduction", percent=Decimal(100), reason="All"),
        Adjustment(kind="increase", percent=Decimal(-5), reason="Less"),
        Adjustment(kind="reduction", percent="many", reason="Odd"),  # type: ignore[arg-type]
    ],
)
def test_an_adjustment_is_a_percentage_above_zero(adjustment):
    assert refused(qms_100, adjustments=[adjustment]) == {"adjustments": ["adjustment_percent_invalid"]}


def test_an_adjustment_is_a_reduction_or_an_increase():
    assert refused(qms_100, adjustments=[Adjustment(kind="discount", percent=Decimal(5), reason="x")]) == {
        "adjustments": ["invalid_choice"]
    }


def test_floats_are_refused_outright():
    with pytest.raises(TypeError):
        qms_100(adjustments=[Adjustment(kind="reduction", percent=0.1, reason="Float")])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        qms_100(on_site_percent=90.0)


def test_the_stage_must_be_known():
    assert refused(audit_time, scheme="qms", stage="stage_3", effective_personnel=10, on=ON) == {
        "stage": ["invalid_choice"]
    }


# --- on site, rounding, hours ---------------------------------------------------------------------------------


def test_80_percent_on_site_is_accepted():
    # 7 days, 80 % on site: 5.6 → rounded up to 6.0 on site, 1.0 off site
    result = qms_100(on_site_percent=Decimal(80))
    assert (result.on_site_days, result.off_site_days) == (Decimal("6.0"), Decimal("1.0"))


def test_79_99_percent_on_site_is_refused():
    assert refused(qms_100, on_site_percent=Decimal("79.99")) == {"on_site_percent": ["on_site_too_low"]}


def test_more_than_all_of_it_on_site_is_refused():
    assert refused(qms_100, on_site_percent="100.01") == {"on_site_percent": ["invalid"]}


def test_the_days_on_site_round_up_so_the_share_holds():
    # given 1.5 days (1-5 people) at 80.5 % on site: 1.2075 days
    result = audit_time(scheme="qms", stage="initial", effective_personnel=5, on=ON, on_site_percent="80.5")
    # then 1.5 days on site (rounding to the nearest would give 1.0, 67 %)
    assert (result.on_site_days, result.off_site_days) == (Decimal("1.5"), Decimal("0.0"))


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        ("1.24", "1.0"),
        ("1.25", "1.5"),  # a quarter day rounds up
        ("1.26", "1.5"),
        ("1.74", "1.5"),
        ("1.75", "2.0"),  # a quarter day rounds up
        ("0.25", "0.5"),
        ("2.0", "2.0"),
        ("7.3333333333333333333333", "7.5"),
    ],
)
def test_rounding_to_the_nearest_half_day_quarters_up(exact, rounded):
    assert round_half_day(Decimal(exact)) == Decimal(rounded)


def test_the_calculator_rounds_a_quarter_day_up_once_at_the_end():
    # 7 × 0.75 = 5.25 → 5.5; 7 × 0.82 = 5.74 → 5.5; 7 × 0.75 ÷ 3 = 1.75 → 2.0 (not 5.5 ÷ 3 = 1.83 → 2.0 by luck)
    assert qms_100(adjustments=[reduction("25")]).days == Decimal("5.5")
    assert qms_100(adjustments=[reduction("18")]).days == Decimal("5.5")
    surveillance = qms_100(stage="surveillance", adjustments=[reduction("25")])
    assert (surveillance.exact_days, surveillance.days) == (Decimal("1.75"), Decimal("2.0"))
    # rounding the initial first would have given 5.5 × 2 ÷ 3 = 3.67 → 3.5; once at the end 3.5 is also 3.5
    recertification = qms_100(stage="recertification", adjustments=[reduction("25")])
    assert (recertification.exact_days, recertification.days) == (Decimal("3.5"), Decimal("3.5"))


def test_an_audit_day_is_eight_hours():
    surveillance = audit_time(scheme="qms", stage="surveillance", effective_personnel=10_700, on=ON)
    assert (surveillance.days, surveillance.hours) == (Decimal("7.5"), Decimal("60.0"))
    assert surveillance.as_dict()["hours"] == "60.0"


# --- time entered by hand -------------------------------------------------------------------------------------


def test_an_ems_of_special_complexity_is_entered_by_hand_with_a_justification():
    # when the time of a special-complexity EMS is entered by hand
    result = entered_time(
        scheme="ems",
        complexity="special",
        stage="initial",
        days="12.5",
        justification="Nuclear fuel handling: the team's estimate, agreed with the client.",
    )

    # then it is taken as entered, in hours too, and says why there is no table
    assert (result.days, result.hours, result.entered_by_hand) == (Decimal("12.5"), Decimal("100.0"), True)
    with translation.override("en"):
        assert result.justification() == [
            "Initial audit (stage 1 and stage 2), Environmental management systems.",
            "IAF MD 5 has no column for environmental management systems of special complexity: the time is "
            "entered by hand.",
            "Time entered by hand: 12.5 days. Justification: Nuclear fuel handling: the team's estimate, agreed "
            "with the client.",
            "12.5 days, that is 100 hours (one audit day is 8 hours; longer working days do not shorten the time).",
            "On site: 100 % of the time (at least 80 %): 12.5 days on site (rounded up to the half day) and 0 days "
            "off site.",
        ]


@pytest.mark.parametrize("justification", ["", "  "])
def test_time_entered_by_hand_needs_a_justification(justification):
    assert refused(
        entered_time,
        scheme="ems",
        complexity="special",
        stage="initial",
        days=10,
        justification=justification,
    ) == {"justification": ["time_justification_required"]}


@pytest.mark.parametrize("days", ["12.3", "0", "-1", "12.25"])
def test_time_entered_by_hand_is_in_half_days(days):
    assert refused(
        entered_time, scheme="ems", complexity="special", stage="initial", days=days, justification="Estimate"
    ) == {"days": ["days_not_half_days"]}


@pytest.mark.parametrize(("scheme", "complexity"), [("qms", ""), ("ems", "high"), ("ohsms", "low")])
def test_time_is_not_entered_by_hand_where_a_table_applies(scheme, complexity):
    assert refused(
        entered_time, scheme=scheme, complexity=complexity, stage="initial", days=5, justification="Estimate"
    ) == {"days": ["entered_time_not_allowed"]}


# --- GHG and standards without a table ------------------------------------------------------------------------


def test_the_tables_are_refused_for_ghg_validation_and_verification():
    # when the table time is asked for a GHG verification
    with pytest.raises(ValidationError) as error, translation.override("en"):
        audit_time(scheme=GHG, stage="initial", effective_personnel=50, on=ON)

    # then it is refused, saying there is no published table and the time is entered with a justification
    assert error.value.error_dict["scheme"][0].code == "ghg_no_time_table"
    assert error.value.message_dict["scheme"] == [
        "No published audit-time table exists for GHG validation or verification (ISO 14065, ISO 14064-3): "
        "the IAF MD 5 tables do not apply. Enter the time by hand with a justification."
    ]
    assert refused(initial_time, scheme=GHG, effective_personnel=50, on=ON) == {
        "scheme": ["ghg_no_time_table"]
    }


def test_a_ghg_verification_enters_its_time_with_a_justification():
    result = entered_time(
        scheme=GHG, stage="initial", days=4, justification="Two facilities, limited assurance"
    )
    assert (result.days, result.hours) == (Decimal("4"), Decimal("32"))
    with translation.override("en"):
        assert result.justification()[1] == (
            "No published audit-time table exists for GHG validation or verification (ISO 14065, ISO 14064-3): "
            "the time is entered by hand."
        )


@pytest.mark.parametrize(
    ("code", "kind", "scheme"),
    [
        ("iso-9001", "management_system", "qms"),
        ("iso-14001", "management_system", "ems"),
        ("iso-45001", "management_system", "ohsms"),
        ("iso-50001", "management_system", OTHER),
        ("iso-14064-3", "ghg", GHG),
        ("icr-programme", "programme", GHG),
    ],
)
def test_the_scheme_of_a_standard(code, kind, scheme):
    assert scheme_for_standard(code=code, kind=kind) == scheme


def test_a_standard_without_a_table_is_refused_the_tables():
    assert refused(initial_time, scheme=OTHER, effective_personnel=50, on=ON) == {"scheme": ["no_time_table"]}


# --- integrated systems (IAF MD 11) ---------------------------------------------------------------------------


def parts(stage: str = "initial", **kwargs) -> list[AuditTime]:  # type: ignore[no-untyped-def]
    """QMS 100 people (7 days) and EMS medium 100 people (8 days)."""
    return [
        audit_time(scheme="qms", stage=stage, effective_personnel=100, on=ON, **kwargs),
        audit_time(scheme="ems", stage=stage, effective_personnel=100, complexity="medium", on=ON, **kwargs),
    ]


def test_an_integrated_system_adds_the_times_then_reduces_by_at_most_20_percent():
    result = integrated_time(
        parts=parts(), reduction=reduction("20", "One management review, one internal audit")
    )
    assert (result.sum_days, result.exact_days, result.days) == (
        Decimal(15),
        Decimal("12.0"),
        Decimal("12.0"),
    )


def test_a_20_01_percent_integration_reduction_is_refused():
    assert refused(integrated_time, parts=parts(), reduction=reduction("20.01")) == {
        "reduction": ["integration_reduction_too_large"]
    }


def test_the_integration_reduction_applies_after_the_others_and_compounds():
    # given each standard reduced by 10 % (6.3 + 7.2 = 13.5)
    result = integrated_time(parts=parts(adjustments=[reduction("10")]), reduction=reduction("20"))
    # then 13.5 × 0.8 = 10.8 → 11.0
    assert (result.sum_days, result.exact_days, result.days) == (
        Decimal("13.5"),
        Decimal("10.8"),
        Decimal("11.0"),
    )


def test_the_integrated_times_add_unrounded():
    # surveillance: 7/3 + 8/3 = 5 exactly (rounded first: 2.5 + 2.5 = 5 as well; 10 % less: 4.5)
    result = integrated_time(parts=parts("surveillance"), reduction=reduction("10"))
    assert (result.exact_days, result.days, result.hours) == (Decimal("4.5"), Decimal("4.5"), Decimal("36.0"))


def test_an_integration_reduction_needs_a_reason():
    assert refused(integrated_time, parts=parts(), reduction=reduction("10", reason=" ")) == {
        "reduction": ["adjustment_reason_required"]
    }


def test_an_integration_cannot_increase():
    assert refused(integrated_time, parts=parts(), reduction=increase("10")) == {
        "reduction": ["invalid_choice"]
    }


def test_an_integrated_system_is_two_or_more_standards_of_one_stage_each_once():
    qms, ems = parts()
    ems_surveillance = parts("surveillance")[1]
    ghg = entered_time(scheme=GHG, stage="initial", days=3, justification="Estimate")
    for wrong in ([qms], [qms, qms], [qms, ems_surveillance], [qms, ghg]):
        assert refused(integrated_time, parts=wrong) == {"parts": ["integrated_parts_invalid"]}
    assert integrated_time(parts=[qms, ems]).days == Decimal("15.0")


def test_an_integrated_system_keeps_80_percent_on_site():
    assert refused(integrated_time, parts=parts(), on_site_percent="79.99") == {
        "on_site_percent": ["on_site_too_low"]
    }


# --- the words and the stored form ----------------------------------------------------------------------------


def test_the_justification_says_every_step():
    # when a surveillance audit's time is calculated with a reduction, an increase and 90 % on site
    result = audit_time(
        scheme="ems",
        stage="surveillance",
        effective_personnel=1_200,
        complexity="medium",
        on=ON,
        adjustments=[reduction("20", "Low-risk activities"), increase("5", "Two shifts")],
        on_site_percent=90,
    )

    # then each step is written out, in order
    with translation.override("en"):
        lines = result.justification()
    assert lines == [
        "Surveillance audit, Environmental management systems.",
        "IAF MD 5 (Issue 4, 2019), table for Environmental management systems, valid from 7 May 2020.",
        "Effective personnel 1,200, Medium complexity: the band 1,176–1,550 gives 16 days of initial audit time "
        "(stage 1 and stage 2).",
        "Reduction of 20 %: Low-risk activities",
        "Increase of 5 %: Two shifts",
        "The reduction is within the limit of 30 %.",
        "Initial audit time after the adjustments: 13.44 days.",
        "Surveillance audit: one third of the initial audit time: 13.44 ÷ 3 = 4.48 days.",
        "Rounded once, to the nearest half day (a quarter day rounds up): 4.5 days, that is 36 hours (one audit "
        "day is 8 hours; longer working days do not shorten the time).",
        "On site: 90 % of the time (at least 80 %): 4.5 days on site (rounded up to the half day) and 0 days off "
        "site.",
    ]
    assert result.justification_text() == "\n".join(lines)


def test_the_stored_form_is_json_and_reads_back_the_same():
    # given a recertification with adjustments, an extrapolated one, a hand-entered one and an integrated one
    results = [
        audit_time(
            scheme="qms",
            stage="recertification",
            effective_personnel=300,
            on=ON,
            adjustments=[reduction("10"), increase("5")],
            on_site_percent="85",
        ),
        audit_time(scheme="ohsms", stage="initial", effective_personnel=20_000, complexity="high", on=ON),
        entered_time(scheme=GHG, stage="initial", days="3.5", justification="Estimate"),
        integrated_time(parts=parts(), reduction=reduction("15")),
    ]
    for result in results:
        # when it is stored as JSON and read back
        stored = json.loads(json.dumps(result.as_dict()))
        again = from_dict(stored)

        # then it is the same calculation, with the same words
        assert again == result
        assert isinstance(again, type(result))
        with translation.override("en"):
            assert again.justification_text() == result.justification_text()
    assert results[0].as_dict()["days"] == "6.5"  # 10 × 0.9 × 1.05 × 2 ÷ 3 = 6.3 → 6.5


def test_the_stored_form_of_an_audit_time():
    result = qms_100(stage="surveillance", adjustments=[reduction("10", "Mature system")])
    assert result.as_dict() == {
        "kind": "audit_time",
        "scheme": "qms",
        "stage": "surveillance",
        "complexity": "",
        "initial": {
            "scheme": "qms",
            "complexity": "",
            "effective_personnel": 100,
            "source": "IAF MD 5",
            "version": "Issue 4, 2019",
            "valid_from": "2020-05-07",
            "band": {
                "min_personnel": 86,
                "max_personnel": 125,
                "days": "7.0",
                "disputed": False,
                "disputed_note": "",
            },
            "days": "7.0",
            "extrapolated": False,
            "disputed": False,
            "extrapolation": None,
        },
        "adjustments": [{"kind": "reduction", "percent": "10", "reason": "Mature system"}],
        "entered_justification": "",
        "on_site_percent": "100",
        "exact_days": "2.10",
        "days": "2.0",
        "hours": "16.0",
        "on_site_days": "2.0",
        "off_site_days": "0.0",
        "reduction_percent": "10.0",
        "entered_by_hand": False,
        "extrapolated": False,
        "disputed": False,
    }
    assert isinstance(from_dict(result.as_dict()), AuditTime)
    assert isinstance(from_dict(integrated_time(parts=parts()).as_dict()), IntegratedTime)


def test_the_figures_are_written_as_the_language_writes_them():
    # given the calculation above
    result = audit_time(
        scheme="ems",
        stage="surveillance",
        effective_personnel=1_200,
        complexity="medium",
        on=ON,
        adjustments=[reduction("20", "Low-risk activities"), increase("5", "Two shifts")],
    )

    # when its words are read in Icelandic, then the figures are grouped and the decimals written the Icelandic way
    with translation.override("is"):
        text = result.justification_text()
    assert "1.176–1.550" in text
    assert "13,44" in text
    assert "4,48" in text
    assert "7. desember 2026" not in text  # the table's day, not today's
    assert "7. maí 2020" in text


def test_several_standards_without_a_table_may_be_integrated():
    # given ISO 9001 from the table and two standards without one (energy, information security), entered
    qms = parts()[0]
    energy = entered_time(scheme=OTHER, stage="initial", days=3, justification="ISO 50001: two plants")
    security = entered_time(
        scheme=OTHER, stage="initial", days="2.5", justification="ISO/IEC 27001: one office"
    )

    # then they add up, and the words name every part before the sum
    result = integrated_time(
        parts=[qms, energy, security], reduction=reduction("10", "One management review")
    )
    assert (result.sum_days, result.exact_days, result.days) == (
        Decimal("12.5"),
        Decimal("11.25"),
        Decimal("11.5"),
    )
    with translation.override("en"):
        lines = result.justification()
    assert lines[0].startswith("Integrated management system (IAF MD 11)")
    assert "Sum of the standards' times (before rounding): 7 + 3 + 2.5 = 12.5 days." in lines
    assert "Reduction for integration of 10 % (at most 20 %): One management review" in lines
    assert "After the reduction for integration: 11.25 days." in lines
