"""The demo data: each capability's contributor, run in order by `manage.py seed_demo`, idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from accounts.models import User
from bodies.models import Accreditation, Body, Membership
from clients.models import Client, Project, Site
from competence.models import CompetenceRecord, PeriodicEvaluation, WitnessedAudit
from core.models import AuditEvent
from demo import registry
from reminders.models import Deadline, Notification


def _counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "bodies": Body.objects.count(),
        "memberships": Membership.objects.count(),
        "accreditations": Accreditation.objects.count(),
        "competences": CompetenceRecord.objects.count(),
        "clients": Client.objects.count(),
        "sites": Site.objects.count(),
        "projects": Project.objects.count(),
        "witnessed": WitnessedAudit.objects.count(),
        "evaluations": PeriodicEvaluation.objects.count(),
        "deadlines": Deadline.objects.count(),
        "notifications": Notification.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_the_capabilities_contribute_their_parts_in_order() -> None:
    assert [c.key for c in registry.all_contributors()] == [
        "bodies",
        "competence",
        "clients",
        "impartiality",
        "impartiality_register",
        "audits",
        "audits_findings",
        "webhooks",
        "certification",
        "webhooks_deliveries",
        "reminders",
    ]


def test_two_different_contributors_may_not_claim_one_key() -> None:
    # given
    bodies = registry.all_contributors()[0]
    # when / then
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        registry.register(registry.Contributor(key=bodies.key, order=1, load=lambda context: None))
    assert registry.all_contributors()[0] is bodies


@pytest.mark.django_db
def test_seed_demo_loads_every_part_once_and_prints_the_logins(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # when
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    # then the bodies part made three bodies at their stages, the competence part its records, and the
    # reminders part swept once everything was committed
    assert sorted(Body.objects.values_list("short_name", "status")) == [
        ("Baltic MSC", "approved"),
        ("GreenLedger", "under_review"),
        ("Nordic CV", "approved"),
    ]
    assert Membership.objects.filter(user__email="freelance.auditor@example.org").count() == 2
    assert CompetenceRecord.objects.filter(status="approved").exists()
    assert CompetenceRecord.objects.filter(status="suspended").count() == 1
    assert WitnessedAudit.objects.count() == 1
    assert PeriodicEvaluation.objects.count() == 2
    assert Notification.objects.exists()
    # the clients part: Icelandic and Baltic clients of the two approved bodies, the geothermal company with
    # three sites (one the central function), and ICR projects with their periods
    assert Client.objects.filter(body__short_name="Nordic CV").count() == 4
    # two from the clients part, the engagements part's three: the multi-site client (its surveillance is
    # sampled), the district-heating company being recertified and the foundry transferring its certificate; and
    # the certification part's seven certified clients
    assert Client.objects.filter(body__short_name="Baltic MSC").count() == 12
    geothermal = Client.objects.get(legal_name="Reykjanes Geothermal Power hf.")
    assert geothermal.sites.count() == 3
    assert list(geothermal.sites.filter(is_central_function=True).values_list("name", flat=True)) == [
        "Head office, Reykjavík"
    ]
    projects = Project.objects.filter(body__short_name="Nordic CV")
    # three from the clients part, and the two the engagements part verifies (ICR-00063, ICR-00058)
    assert projects.count() == 5
    assert all(p.sector.scheme == "ghg" and p.crediting_period_start for p in projects)
    assert projects.filter(consultant_client__legal_name="Kolefnisráðgjöf ehf.").count() == 1
    assert User.objects.get(email="registry@icr.example").check_password("demo-password-2026")
    text = out.getvalue()
    assert "Demo data loaded." in text
    assert "Demo logins (password for all: demo-password-2026)" in text
    assert "  registry@icr.example                       registry staff (admin at /admin/)\n" in text
    assert "  (2 memberships for the freelance auditor)\n" in text

    # when it runs again
    before = _counts()
    again = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=again)
    # then nothing changes
    assert _counts() == before
    assert again.getvalue().startswith("Demo data already loaded.\n")
