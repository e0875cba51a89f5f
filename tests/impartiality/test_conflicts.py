"""The conflict service (`impartiality.services.conflict_check`): every rule at its boundary, every conflict
listed, the counterparty's matching, live declarations only, validation, and a constant query count."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bodies.models import Membership, Role
from core.errors import ValidationError, error_code
from impartiality.services import ABSOLUTE, ConflictReport, conflict_check
from tests.factories import (
    ClientFactory,
    ConflictOverrideFactory,
    DeclarationFactory,
    MembershipFactory,
    ProjectFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("english")

#: inside the factories' annual declaration (submitted 1 March 2026, current until 1 March 2027)
START = date(2026, 6, 1)
END = date(2026, 6, 5)


def _reviewed(**fields: Any) -> dict[str, Any]:
    reviewer = fields.pop("reviewer")
    return {
        "status": "reviewed",
        "reviewed_by": reviewer,
        "reviewed_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        **fields,
    }


def annual(person: Membership, *relationships: dict[str, Any], **fields: Any):  # type: ignore[no-untyped-def]
    """A submitted annual declaration of the person with these relationships."""
    declaration = DeclarationFactory(membership=person, **fields)
    for relationship in relationships:
        RelationshipFactory(declaration=declaration, **relationship)
    return declaration


def cleared_for(person: Membership, world, *, client=None, project=None):  # type: ignore[no-untyped-def]
    """A per-engagement declaration for the counterparty, reviewed: no conflict."""
    return DeclarationFactory(
        membership=person,
        kind="engagement",
        client=client,
        project=project,
        **_reviewed(reviewer=world.a.admin, review_outcome="no_conflict"),
    )


def rules(report: ConflictReport) -> list[str]:
    return [conflict.rule for conflict in report.conflicts]


def check(person: Membership, client=None, project=None, start=START, end=END) -> ConflictReport:  # type: ignore[no-untyped-def]
    return conflict_check(membership=person, client=client, project=project, starts_on=start, ends_on=end)


def rel(kind: str, client: Any, started: date, ended: date | None, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "client": client, "started_on": started, "ended_on": ended, **more}


# --- a clear answer -----------------------------------------------------------------------------------------


def test_a_person_with_a_current_annual_and_a_cleared_engagement_declaration_is_clear(world, person, hekla):
    annual(person)
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla)
    assert report.conflicts == ()
    assert report.clear is True
    assert report.bars == ()
    assert report.needs_mitigation == ()
    assert report.client == hekla
    assert report.project is None


# --- cooling-off --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "bars"),
    [
        (date(2026, 5, 31), True),  # the day before the second anniversary of the end
        (date(2026, 6, 1), False),  # the day itself: allowed
        (date(2026, 6, 2), False),  # the day after
    ],
)
def test_cooling_off_ends_on_the_second_anniversary_of_the_consultancy(world, person, hekla, start, bars):
    annual(person, rel("consultancy", hekla, date(2023, 1, 1), date(2024, 6, 1)))
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla, start=start, end=date(2026, 6, 10))
    assert ("cooling_off" in rules(report)) is bars
    if bars:
        [conflict] = report.conflicts
        assert conflict.severity == "bars"
        assert conflict.absolute is True
        assert conflict.override is None
        assert conflict.relationship is not None and conflict.relationship.client_id == hekla.pk
        assert conflict.message == (
            "Member A's consultancy or advice for Hekla Geothermal hf. ended on 1 Jun 2024: after a cooling-off "
            "of 2 years they may take part from 1 Jun 2026, not from the planned start on 31 May 2026."
        )
        assert "1 Jun 2024" not in conflict.summary
        assert conflict.summary == (
            "Member A has a declared relationship with Hekla Geothermal hf. (Cooling-off after consultancy or "
            "advice)."
        )
        assert report.bars == report.conflicts
    else:
        assert report.clear is True


@pytest.mark.parametrize(
    ("start", "bars"),
    [(date(2026, 2, 27), True), (date(2026, 2, 28), False), (date(2026, 3, 1), False)],
)
def test_cooling_off_after_a_29_february_end_ends_on_28_february(world, person, hekla, start, bars):
    annual(person, rel("consultancy", hekla, date(2022, 1, 1), date(2024, 2, 29)))
    report = check(person, client=hekla, start=start, end=date(2026, 3, 10))
    assert ("cooling_off" in rules(report)) is bars


def test_ongoing_consultancy_and_internal_audit_bar(world, person, hekla):
    annual(
        person,
        rel("consultancy", hekla, date(2025, 1, 1), None),
        rel("internal_audit", hekla, date(2025, 9, 1), date(2025, 12, 1)),
    )
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla)
    assert rules(report) == ["cooling_off", "cooling_off"]
    assert "is ongoing (since 1 Jan 2025, ongoing)" in report.conflicts[0].message
    assert report.conflicts[1].relationship.kind == "internal_audit"


def test_the_cooling_off_period_is_a_setting(world, person, hekla, settings):
    settings.COOLING_OFF_YEARS = 3
    annual(person, rel("consultancy", hekla, date(2022, 1, 1), date(2023, 6, 2)))
    assert "cooling_off" in rules(check(person, client=hekla))
    settings.COOLING_OFF_YEARS = 2
    assert "cooling_off" not in rules(check(person, client=hekla))


def test_a_consultancy_that_starts_after_the_planned_dates_does_not_count(world, person, hekla):
    annual(person, rel("consultancy", hekla, date(2026, 6, 6), None))
    assert "cooling_off" not in rules(check(person, client=hekla))


# --- employment, financial interest, family, earlier audit ---------------------------------------------------


@pytest.mark.parametrize(
    ("started", "ended", "found"),
    [
        (date(2020, 1, 1), None, True),  # ongoing
        (date(2020, 1, 1), START, True),  # ends on the first planned day
        (date(2020, 1, 1), date(2026, 5, 31), False),  # ended the day before
        (END, None, True),  # starts on the last planned day
        (date(2026, 6, 6), None, False),  # starts the day after
    ],
)
def test_current_employment_bars_when_it_touches_a_planned_day(world, person, hekla, started, ended, found):
    annual(person, rel("employment", hekla, started, ended))
    report = check(person, client=hekla)
    assert ("current_employment" in rules(report)) is found
    if found:
        conflict = next(c for c in report.conflicts if c.rule == "current_employment")
        assert conflict.absolute is True
        assert conflict.severity == "bars"


def test_financial_interest_bars_but_can_be_overridden_family_and_earlier_audit_need_mitigation(
    world, person, hekla
):
    annual(
        person,
        rel("financial_interest", hekla, date(2024, 1, 1), None),
        rel("family", hekla, date(2010, 1, 1), None),
        rel("earlier_audit", hekla, date(2019, 3, 1), date(2019, 3, 3)),
        rel("financial_interest", hekla, date(2020, 1, 1), date(2021, 1, 1)),  # sold long ago
        rel("family", hekla, date(2010, 1, 1), date(2015, 1, 1)),  # ended
    )
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla)
    assert rules(report) == ["financial_interest", "family", "earlier_audit"]
    financial, family, earlier = report.conflicts
    assert (financial.severity, financial.absolute) == ("bars", False)
    assert (family.severity, family.absolute) == ("mitigate", False)
    assert (earlier.severity, earlier.absolute) == ("mitigate", False)
    assert report.bars == (financial,)
    assert report.needs_mitigation == (family, earlier)
    assert report.clear is False
    assert earlier.message == (
        "Member A audited the same activity of Hekla Geothermal hf. before (from 1 Mar 2019 until 3 Mar 2019)."
    )


@pytest.mark.parametrize(
    ("ended", "found"),
    [
        (date(2025, 6, 1), True),  # exactly 12 months before the start
        (date(2025, 5, 31), False),  # the day before
        (None, True),  # ongoing
    ],
)
def test_gifts_and_other_count_within_12_months_before_the_start(world, person, hekla, ended, found):
    annual(
        person,
        rel("gifts", hekla, date(2025, 1, 1), ended),
        rel("other", hekla, date(2025, 1, 1), ended),
    )
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla)
    assert rules(report) == (["gifts", "other"] if found else [])
    assert all(c.severity == "mitigate" for c in report.conflicts)


def test_every_conflict_is_listed_bars_first(world, person, hekla):
    annual(
        person,
        rel("family", hekla, date(2010, 1, 1), None),
        rel("consultancy", hekla, date(2025, 1, 1), date(2025, 6, 1)),
        rel("employment", hekla, date(2020, 1, 1), None),
        rel("financial_interest", hekla, date(2020, 1, 1), None),
    )
    report = check(person, client=hekla)
    assert rules(report) == [
        "cooling_off",
        "current_employment",
        "financial_interest",
        "engagement_declaration_missing",
        "family",
    ]
    assert {c.rule for c in report.conflicts if c.absolute} == set(ABSOLUTE)


# --- whose relationships, with whom -------------------------------------------------------------------------


def test_a_project_brings_its_proponent_and_consultant_by_record_or_by_name(world, person):
    proponent = ClientFactory(body=world.a.body, legal_name="Orka Energy hf.")
    consultant = ClientFactory(body=world.a.body, legal_name="Carbon Advisers ehf.")
    project = ProjectFactory(body=world.a.body, proponent=proponent, consultant_client=consultant)
    named = ProjectFactory(body=world.a.body, proponent=proponent, consultant_name="GreenPath Consulting")
    other = ClientFactory(body=world.a.body, legal_name="Somebody Else hf.")
    annual(
        person,
        rel("financial_interest", proponent, date(2024, 1, 1), None),
        rel("family", consultant, date(2024, 1, 1), None),
        {
            "kind": "gifts",
            "client": None,
            "project": project,
            "started_on": date(2026, 1, 1),
            "ended_on": None,
        },
        {
            "kind": "other",
            "client": None,
            "counterparty_name": "  greenpath CONSULTING ",
            "counterparty_kind": "consultant",
            "started_on": date(2026, 1, 1),
            "ended_on": None,
        },
        {
            "kind": "earlier_audit",
            "client": None,
            "counterparty_name": "ORKA ENERGY HF.",
            "started_on": date(2020, 1, 1),
            "ended_on": date(2020, 1, 2),
        },
        rel("employment", other, date(2020, 1, 1), None),
    )
    cleared_for(person, world, project=project)
    cleared_for(person, world, project=named)
    assert rules(check(person, project=project)) == ["financial_interest", "family", "earlier_audit", "gifts"]
    # the other project of the same proponent: the gifts named the first project, which has that proponent
    assert rules(check(person, project=named)) == ["financial_interest", "earlier_audit", "gifts", "other"]
    # the proponent alone: its own relationships, a project of it, its name
    assert rules(check(person, client=proponent)) == [
        "financial_interest",
        "engagement_declaration_missing",
        "earlier_audit",
        "gifts",
    ]


def test_only_live_declarations_of_this_person_in_this_body_count(world, person, hekla, freelancer):
    # a draft and a superseded version do not count; a colleague's declaration neither
    annual(person)
    annual(person, rel("employment", hekla, date(2020, 1, 1), None), status="draft")
    annual(person, rel("financial_interest", hekla, date(2020, 1, 1), None), status="superseded")
    colleague = MembershipFactory(body=world.a.body, roles=[Role.AUDITOR])
    annual(colleague, rel("employment", hekla, date(2020, 1, 1), None))
    # the same person's declaration in another body never names this body's client, but is not read either
    b_client = ClientFactory(body=world.b.body, legal_name="Hekla Geothermal hf.")
    annual(freelancer.in_b, rel("employment", b_client, date(2020, 1, 1), None))
    cleared_for(person, world, client=hekla)
    assert rules(check(person, client=hekla)) == []
    assert rules(check(freelancer.in_a, client=hekla)) == [
        "engagement_declaration_missing",
        "annual_declaration_missing",
    ]


def test_a_per_engagement_declarations_relationships_count_too(world, person, hekla):
    annual(person)
    DeclarationFactory(
        membership=person,
        kind="engagement",
        client=hekla,
        **_reviewed(reviewer=world.a.admin, review_outcome="no_conflict"),
    )
    engagement = DeclarationFactory(
        membership=person, kind="engagement", client=ClientFactory(body=world.a.body)
    )
    RelationshipFactory(declaration=engagement, **rel("family", hekla, date(2020, 1, 1), None))
    assert rules(check(person, client=hekla)) == ["family"]


# --- the declarations' state --------------------------------------------------------------------------------


def test_per_engagement_declaration_missing_then_waiting_then_reviewed(world, person, hekla):
    annual(person)
    report = check(person, client=hekla)
    assert rules(report) == ["engagement_declaration_missing"]
    assert report.conflicts[0].severity == "bars"
    assert report.conflicts[0].declaration is None

    waiting = DeclarationFactory(membership=person, kind="engagement", client=hekla)
    report = check(person, client=hekla)
    assert rules(report) == ["engagement_declaration_unreviewed"]
    assert report.conflicts[0].declaration == waiting
    assert report.conflicts[0].message == (
        "Member A's declaration of interest for Hekla Geothermal hf., submitted on 1 Mar 2026, is waiting for "
        "review."
    )

    waiting.status = "reviewed"
    waiting.review_outcome = "no_conflict"
    waiting.reviewed_by = world.a.admin
    waiting.save()
    assert rules(check(person, client=hekla)) == []


def test_a_declaration_for_another_counterparty_is_not_one_for_this(world, person, hekla):
    annual(person)
    cleared_for(person, world, client=ClientFactory(body=world.a.body))
    project = ProjectFactory(body=world.a.body, proponent=hekla)
    cleared_for(person, world, client=hekla)
    # a declaration for the client is not one for its project
    assert rules(check(person, project=project)) == ["engagement_declaration_missing"]


def test_a_barring_review_bars_and_a_mitigated_one_carries_its_measures(world, person, hekla):
    annual(person)
    DeclarationFactory(
        membership=person,
        kind="engagement",
        client=hekla,
        **_reviewed(reviewer=world.a.admin, review_outcome="barring"),
    )
    report = check(person, client=hekla)
    assert rules(report) == ["declaration_barring"]
    assert report.conflicts[0].severity == "bars"
    assert report.conflicts[0].absolute is False

    project = ProjectFactory(body=world.a.body, proponent=hekla)
    DeclarationFactory(
        membership=person,
        kind="engagement",
        project=project,
        **_reviewed(
            reviewer=world.a.admin,
            review_outcome="mitigated",
            review_measures="Not the lead auditor; a second reviewer reads the report.",
        ),
    )
    report = check(person, project=project)
    assert rules(report) == ["declaration_mitigated"]
    [mitigated] = report.conflicts
    assert mitigated.severity == "mitigate"
    assert mitigated.measures == "Not the lead auditor; a second reviewer reads the report."
    assert mitigated.message.endswith(
        "mitigated by: Not the lead auditor; a second reviewer reads the report."
    )
    assert "Not the lead auditor" not in mitigated.summary


def test_a_reviewed_annual_declaration_bars_only_where_its_relationships_match(world, person, hekla):
    annual(
        person,
        rel("earlier_audit", hekla, date(2019, 1, 1), date(2019, 1, 2)),
        **_reviewed(reviewer=world.a.admin, review_outcome="barring"),
    )
    cleared_for(person, world, client=hekla)
    elsewhere = ClientFactory(body=world.a.body)
    cleared_for(person, world, client=elsewhere)
    assert rules(check(person, client=hekla)) == ["declaration_barring", "earlier_audit"]
    assert rules(check(person, client=elsewhere)) == []


@pytest.mark.parametrize(
    ("start", "rule"),
    [
        (date(2027, 3, 1), None),  # its last day
        (date(2027, 3, 2), "annual_declaration_expired"),  # the day after
        (date(2026, 2, 28), "annual_declaration_missing"),  # before it was submitted
    ],
)
def test_the_annual_declaration_must_be_current_on_the_first_planned_day(world, person, hekla, start, rule):
    annual(person)
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla, start=start, end=date(2027, 3, 10))
    assert rules(report) == ([rule] if rule else [])
    if rule:
        assert report.conflicts[0].severity == "bars"
    if rule == "annual_declaration_expired":
        assert report.conflicts[0].message == (
            "Member A's annual declaration of interest is current only until 1 Mar 2027, before the planned "
            "start on 2 Mar 2027."
        )


def test_no_annual_declaration_at_all(world, person, hekla):
    cleared_for(person, world, client=hekla)
    report = check(person, client=hekla)
    assert rules(report) == ["annual_declaration_missing"]
    assert report.conflicts[0].message == (
        "Member A has no annual declaration of interest for the planned start on 1 Jun 2026."
    )


# --- overrides in the report --------------------------------------------------------------------------------


def test_an_override_covering_the_period_is_shown_and_lifts_the_bar(world, person, hekla):
    annual(person, rel("financial_interest", hekla, date(2024, 1, 1), None))
    cleared_for(person, world, client=hekla)
    override = ConflictOverrideFactory(
        membership=person, client=hekla, starts_on=START, ends_on=END, overridden_by=world.a.admin
    )
    report = check(person, client=hekla)
    [conflict] = report.conflicts
    assert conflict.override == override
    assert conflict.overridden is True
    assert conflict.bars is False
    assert report.bars == ()
    assert report.overridden == (conflict,)
    assert report.clear is True
    # a planned period the override does not wholly cover: it does not apply
    report = check(person, client=hekla, end=date(2026, 6, 6))
    assert report.conflicts[0].override is None
    assert report.bars == report.conflicts


def test_an_override_of_another_rule_or_counterparty_or_person_does_not_apply(world, person, hekla):
    annual(person, rel("financial_interest", hekla, date(2024, 1, 1), None))
    cleared_for(person, world, client=hekla)
    ConflictOverrideFactory(membership=person, client=hekla, rule="family", overridden_by=world.a.admin)
    ConflictOverrideFactory(membership=person, overridden_by=world.a.admin)  # another client
    ConflictOverrideFactory(
        membership=MembershipFactory(body=world.a.body), client=hekla, overridden_by=world.a.admin
    )
    assert check(person, client=hekla).conflicts[0].override is None


def test_an_absolute_conflict_is_never_overridden_even_by_a_stray_row(world, person, hekla):
    annual(person, rel("employment", hekla, date(2024, 1, 1), None))
    cleared_for(person, world, client=hekla)
    ConflictOverrideFactory(
        membership=person, client=hekla, rule="current_employment", overridden_by=world.a.admin
    )
    report = check(person, client=hekla)
    assert report.conflicts[0].override is None
    assert report.bars == report.conflicts


# --- validation ---------------------------------------------------------------------------------------------


def _refused(person: Membership, **arguments: Any) -> ValidationError:
    values = {"membership": person, "starts_on": START, "ends_on": END, **arguments}
    with pytest.raises(ValidationError) as caught:
        conflict_check(**values)
    return caught.value


def test_validation_names_the_field_and_its_code(world, person, hekla):
    error = _refused(person)
    assert error_code(error) == "counterparty_required"
    assert set(error.message_dict) == {"client"}

    project = ProjectFactory(body=world.a.body, proponent=hekla)
    error = _refused(person, client=hekla, project=project)
    assert error_code(error) == "two_counterparties"
    assert set(error.message_dict) == {"project"}

    error = _refused(person, client=ClientFactory(body=world.b.body))
    assert error_code(error) == "counterparty_other_body"
    error = _refused(person, project=ProjectFactory(body=world.b.body))
    assert error_code(error) == "counterparty_other_body"
    assert set(error.message_dict) == {"project"}

    error = _refused(person, client=hekla, starts_on=date(2026, 6, 2), ends_on=date(2026, 6, 1))
    assert error_code(error) == "planned_end_before_start"
    assert set(error.message_dict) == {"ends_on"}
    # one planned day is a period
    assert isinstance(check(person, client=hekla, start=END, end=END), ConflictReport)


# --- queries ------------------------------------------------------------------------------------------------


def _queries(person: Membership, **arguments: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        conflict_check(membership=person, starts_on=START, ends_on=END, **arguments)
    return len(captured.captured_queries)


def test_a_constant_number_of_queries_whatever_the_declarations_and_relationships(world, person, hekla):
    project = ProjectFactory(body=world.a.body, proponent=hekla)

    def declare(n: int) -> None:
        for _ in range(n):
            declaration = annual(
                person,
                rel("financial_interest", hekla, date(2024, 1, 1), None),
                rel("family", ClientFactory(body=world.a.body), date(2024, 1, 1), None),
                {"kind": "gifts", "client": None, "project": project, "started_on": START, "ended_on": None},
            )
            DeclarationFactory(membership=person, kind="engagement", project=project)
            ConflictOverrideFactory(
                membership=person, project=project, client=None, overridden_by=UserFactory()
            )
            assert declaration.relationships.count() == 3

    declare(1)
    few_client, few_project = _queries(person, client=hekla), _queries(person, project=project)
    declare(9)
    assert _queries(person, client=hekla) == few_client
    assert _queries(person, project=project) == few_project
    assert few_project <= 7
