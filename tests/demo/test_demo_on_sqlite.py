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
    shown = subprocess.run(
        [*run, "shell", "-c", read], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.strip().splitlines()[-1] == (
        f"{len(EngagementKind.values)} ['cancelled', 'draft', 'in_progress', 'planned', 'report_drafted', 'team_confirmed', "
        "'team_proposed', 'under_review'] ['accepted', 'closed', 'open', 'response_submitted', 'verified'] 1 "
        "[('audits.plan', 'ready'), ('audits.report', 'ready')]"
    )
