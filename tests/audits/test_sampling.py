"""Multi-site sampling (IAF MD 1): the sample at each stage for x sites besides the central function, exact on
perfect squares, the rule where sampling is not allowed, and the 50 % limit on a sampled site's time."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import translation

from audits.audit_time import Adjustment
from audits.sampling import Sample, SiteTime, ceil_ratio_sqrt, sample_size, sampled_site_time
from core.errors import ValidationError

# x: (initial ⌈√x⌉, surveillance ⌈0.6·√x⌉, recertification ⌈0.8·√x⌉), worked by hand
SAMPLES = {
    0: (0, 0, 0),
    1: (1, 1, 1),  # 0.6 and 0.8 round up to 1
    2: (2, 1, 2),  # √2 = 1.414…: 0.85 → 1, 1.13 → 2
    4: (2, 2, 2),  # 0.6 × 2 = 1.2 → 2, 0.8 × 2 = 1.6 → 2
    16: (4, 3, 4),  # a perfect square: 4 exactly; 2.4 → 3; 3.2 → 4
    17: (5, 3, 4),  # √17 = 4.12…: 5; 2.47 → 3; 3.30 → 4
    25: (5, 3, 4),  # 0.6 × 5 = 3 exactly (not 4); 0.8 × 5 = 4 exactly
    100: (10, 6, 8),  # all exact
}
STAGES = ("initial", "surveillance", "recertification")


def refused(call, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return {field: [item.code for item in items] for field, items in error.value.error_dict.items()}


@pytest.mark.parametrize("sites", sorted(SAMPLES))
@pytest.mark.parametrize("stage_index", range(3))
def test_the_sample_at_each_stage_plus_the_central_function(sites, stage_index):
    # when the sample is worked out for x sites besides the central function
    sample = sample_size(sites=sites, stage=STAGES[stage_index])

    # then it is the rounded-up share of √x, and the central function is visited on top of it
    assert sample.sampled_sites == SAMPLES[sites][stage_index]
    assert sample.total_sites == SAMPLES[sites][stage_index] + 1


# where sampling is not allowed: every site at initial and recertification, ⌈30 %⌉ at surveillance
NOT_SAMPLED_SURVEILLANCE = {0: 0, 1: 1, 2: 1, 4: 2, 16: 5, 17: 6, 25: 8, 100: 30}


@pytest.mark.parametrize("sites", sorted(NOT_SAMPLED_SURVEILLANCE))
def test_where_sampling_is_not_allowed_every_site_then_30_percent_each_surveillance(sites):
    initial = sample_size(sites=sites, stage="initial", sampling_allowed=False)
    surveillance = sample_size(sites=sites, stage="surveillance", sampling_allowed=False)
    recertification = sample_size(sites=sites, stage="recertification", sampling_allowed=False)

    assert (initial.sampled_sites, initial.total_sites) == (sites, sites + 1)
    assert (recertification.sampled_sites, recertification.total_sites) == (sites, sites + 1)
    assert surveillance.sampled_sites == NOT_SAMPLED_SURVEILLANCE[sites]
    assert surveillance.total_sites == NOT_SAMPLED_SURVEILLANCE[sites] + 1


def test_30_percent_of_ten_sites_is_exactly_three():
    # 0.3 × 10 = 3 exactly: not 4 by a float's error
    assert sample_size(sites=10, stage="surveillance", sampling_allowed=False).sampled_sites == 3


@pytest.mark.parametrize(("numerator", "denominator"), [(1, 1), (3, 5), (4, 5)])
def test_the_integer_rule_agrees_with_the_definition_for_many_counts(numerator, denominator):
    # then for every x up to 5,000 the result is the least k with k ≥ (n/d)·√x: k passes and k - 1 fails
    for x in range(0, 5001):
        k = ceil_ratio_sqrt(numerator, denominator, x)
        assert (k * denominator) ** 2 >= numerator**2 * x
        assert k == 0 or ((k - 1) * denominator) ** 2 < numerator**2 * x


def test_large_perfect_squares_and_their_neighbours_are_exact():
    # given x = (10^8 + 1)², past the integers a float holds exactly
    root = 10**8 + 1
    x = root * root
    # then ⌈√x⌉ is the root itself, and ⌈0.6·√x⌉ = ⌈0.6·root⌉
    assert ceil_ratio_sqrt(1, 1, x) == root
    assert ceil_ratio_sqrt(3, 5, x) == -(-3 * root // 5)
    assert ceil_ratio_sqrt(1, 1, x + 1) == root + 1
    assert ceil_ratio_sqrt(1, 1, x - 1) == root


@pytest.mark.parametrize("sites", [-1, True, 2.0, "3"])
def test_the_number_of_sites_is_a_whole_number_of_at_least_zero(sites):
    assert refused(sample_size, sites=sites, stage="initial") == {"sites": ["site_count_invalid"]}


def test_the_stage_must_be_known():
    assert refused(sample_size, sites=4, stage="stage_2") == {"stage": ["invalid_choice"]}


def test_the_sample_says_how_it_was_worked_out():
    with translation.override("en"):
        assert sample_size(sites=17, stage="surveillance").justification() == [
            "Surveillance audit: 17 sites besides the central function (x). Sample (IAF MD 1): 0.6 × √x = "
            "≈ 2.47, rounded up: 3 sites, plus the central function, audited every time: 4 sites in all."
        ]
        assert sample_size(sites=16, stage="initial").justification_text() == (
            "Initial audit (stage 1 and stage 2): 16 sites besides the central function (x). Sample (IAF MD 1): "
            "√x = 4, rounded up: 4 sites, plus the central function, audited every time: 5 sites in all."
        )
        assert sample_size(sites=17, stage="surveillance", sampling_allowed=False).justification() == [
            "Surveillance audit: 17 sites besides the central function. Sampling is not allowed, so at least 30 % "
            "of the sites are audited each year: 5.1, rounded up: 6 sites, plus the central function: 7 sites in "
            "all."
        ]
        assert sample_size(sites=4, stage="recertification", sampling_allowed=False).justification() == [
            "Recertification audit: 4 sites besides the central function. Sampling is not allowed, so every site "
            "is audited: 4 sites and the central function, 5 sites in all."
        ]


def test_the_stored_form_of_a_sample_reads_back_the_same():
    sample = sample_size(sites=25, stage="surveillance")
    stored = json.loads(json.dumps(sample.as_dict()))
    assert stored == {
        "kind": "sample",
        "sites": 25,
        "stage": "surveillance",
        "sampling_allowed": True,
        "sampled_sites": 3,
        "central_function": 1,
        "total_sites": 4,
    }
    assert Sample.from_dict(stored) == sample


# --- time per sampled site ------------------------------------------------------------------------------------


def reduction(percent: str, reason: str = "Identical processes at every site") -> Adjustment:
    return Adjustment(kind="reduction", percent=Decimal(percent), reason=reason)


def test_a_sampled_sites_time_may_be_halved():
    site = sampled_site_time(days=3, reduction=reduction("50"))
    assert (site.exact_days, site.days) == (Decimal("1.5"), Decimal("1.5"))


def test_a_sampled_sites_time_may_not_be_reduced_by_more_than_half():
    assert refused(sampled_site_time, days=3, reduction=reduction("50.01")) == {
        "reduction": ["site_reduction_too_large"]
    }


def test_a_sampled_sites_reduction_needs_a_reason_and_rounds_to_the_half_day():
    assert refused(sampled_site_time, days=3, reduction=reduction("10", reason="")) == {
        "reduction": ["adjustment_reason_required"]
    }
    # 2.5 × 0.7 = 1.75 → 2.0 (a quarter day rounds up)
    site = sampled_site_time(days="2.5", reduction=reduction("30"))
    assert (site.exact_days, site.days) == (Decimal("1.75"), Decimal("2.0"))
    assert SiteTime.from_dict(json.loads(json.dumps(site.as_dict()))) == site
    with translation.override("en"):
        assert site.justification() == [
            "Time of the site: 2.5 days, reduced by 30 % (at most 50 %): Identical processes at every site. "
            "Rounded to the nearest half day: 2 days."
        ]


def test_a_sampled_site_is_only_reduced():
    increase = Adjustment(kind="increase", percent=Decimal(10), reason="More")
    assert refused(sampled_site_time, days=3, reduction=increase) == {"reduction": ["invalid_choice"]}
    assert sampled_site_time(days=3).days == Decimal("3.0")
