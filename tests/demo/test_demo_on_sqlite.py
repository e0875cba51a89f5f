"""`./run.sh` runs the demo on SQLite (no PostgreSQL, no Redis): the migrations and the whole demo data must
load there too, so the demo is seeded here on a throw-away SQLite file in a separate process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from audits.models import EngagementKind

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_loads_on_sqlite(tmp_path: Path) -> None:
    # given the embedded default's settings, on an empty SQLite file
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_DEBUG": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("ICR_TESTING", None)
    run = [sys.executable, "manage.py"]
    # when the database is migrated and the demo seeded
    subprocess.run([*run, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    seeded = subprocess.run(
        [*run, "seed_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    # then it loads, and prints the logins of every kind of person, the client user included
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert "registry@icr.example" in seeded.stdout
    assert "bryndis@reykjanes-power.example" in seeded.stdout
    # and every step went through there as on PostgreSQL (a refused step would leave an engagement behind)
    read = (
        "from audits.models import Engagement, Finding; from documents.models import Document; "
        "print(len(set(Engagement.objects.values_list('kind', flat=True))), "
        "sorted(set(Engagement.objects.values_list('status', flat=True))), "
        "sorted(set(Finding.objects.values_list('status', flat=True))), "
        "Finding.objects.filter(carried_from__isnull=False).count(), "
        "sorted(Document.objects.filter(kind__startswith='audits.').values_list('kind', 'status')))"
    )
    # the certification part's certificates, statement, proposals and PDFs, and the webhook deliveries' log
    certification = (
        "from certification.models import Certificate, Proposal, Statement; "
        "from documents.models import Document; from webhooks.models import WebhookDelivery; "
        "print(sorted(Certificate.objects.values_list('status', 'cycle')), "
        "Statement.objects.filter(quantities__isnull=False).count(), "
        "sorted(Proposal.objects.values_list('kind', 'status')), "
        "sorted(Document.objects.filter(kind__startswith='certification.').values_list('kind', 'status')), "
        "sorted(set(WebhookDelivery.objects.values_list('status', flat=True))), "
        "WebhookDelivery.objects.filter(attempts=1).count() == WebhookDelivery.objects.count() > 0)"
    )
    shown = [
        subprocess.run(
            [*run, "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
        for code in (read, certification)
    ]
    assert shown[0] == (
        f"{len(EngagementKind.values)} ['cancelled', 'closed', 'decided', 'draft', 'in_progress', 'planned', "
        "'report_drafted', 'team_confirmed', 'team_proposed', 'under_review'] ['accepted', 'closed', 'open', "
        "'response_submitted', 'verified'] 1 [('audits.plan', 'ready'), ('audits.report', 'ready')]"
    )
    assert shown[1] == (
        "[('expired', 1), ('suspended', 1), ('valid', 1), ('valid', 1), ('valid', 2), ('valid', 2), "
        "('withdrawn', 1)] 1 [('suspend', 'decided'), ('suspend', 'open')] "
        "[('certification.certificate', 'ready'), ('certification.statement', 'ready')] ['failed'] True"
    )
