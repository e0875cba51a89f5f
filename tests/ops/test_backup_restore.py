"""Backup and restore (scripts/backup.sh, scripts/restore.sh): records with audit events, a rendered document and
uploaded evidence are committed, backed up (pg_dump and the stored files), restored into a new, empty database and
an empty file storage, and there `manage.py audit_verify` passes (against the checkpoint taken before the backup)
and every file reads back with the SHA-256 its row records. A damaged copy, and a restore into a database that is
not empty, are refused before anything is written."""

from __future__ import annotations

import hashlib
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from bodies.documents import APPROVAL_LETTER
from core.models import AuditEvent
from documents.models import Document
from documents.services import document_request
from tests.factories import CompetenceRecordFactory, MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\n% evidence\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database beside the test database (dropped afterwards); its URL."""
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin_url = _url("postgres")
    subprocess.run(["psql", admin_url, "-qc", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)
    try:
        yield _url(name)
    finally:
        subprocess.run(
            ["psql", admin_url, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], capture_output=True
        )


def _run(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database_and_the_audit_trail_verifies(
    world, settings, tmp_path, empty_database
):
    # given committed records with audit events: a rendered approval letter (eager Celery, after commit) and
    # evidence uploaded through its service, each file in the storage
    body = world.a.body
    document = document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=world.staff)
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    from competence.services import evidence_add

    record = CompetenceRecordFactory(membership=MembershipFactory(body=body))
    evidence = evidence_add(
        record=record,
        actor=world.a.admin,
        upload=SimpleUploadedFile("certificate.pdf", PDF, content_type="application/pdf"),
        description="Certificate",
    )
    events = AuditEvent.objects.count()
    assert events >= 3
    call_command("audit_checkpoint")  # the restored chains are compared with it too

    source_env = {
        **os.environ,
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "AUDIT_CHECKPOINT_DIR": str(settings.AUDIT_CHECKPOINT_DIR),
        "ICR_TESTING": "1",
    }
    # when it is backed up
    backup = _run("backup.sh", str(tmp_path / "backups"), env=source_env)
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    if not folder.is_absolute():
        folder = ROOT / folder
    assert sorted(path.name for path in folder.iterdir()) == [
        "database.dump",
        "database.dump.sha256",
        "files",
    ]
    manifest = (folder / "files" / "MANIFEST.sha256").read_text()
    assert f"{document.sha256}  objects/{document.file.name}" in manifest
    assert f"{evidence.sha256}  objects/{evidence.file.name}" in manifest

    restored_media = tmp_path / "restored-media"
    target_env = {**source_env, "DATABASE_URL": empty_database, "MEDIA_ROOT": str(restored_media)}

    # a damaged copy (one changed byte in one file) is refused before anything is written
    stored = folder / "files" / "objects" / document.file.name
    good = stored.read_bytes()
    stored.write_bytes(good.replace(b"%PDF", b"%PDX", 1))
    damaged = _run("restore.sh", str(folder), env=target_env)
    assert damaged.returncode != 0
    assert "FAILED" in damaged.stdout + damaged.stderr
    assert _psql(empty_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"
    assert not restored_media.exists()
    stored.write_bytes(good)

    # when the intact copy is restored into the empty database and an empty file storage
    restore = _run("restore.sh", str(folder), env=target_env)

    # then the audit trail verifies there (restore.sh ends with audit_verify) ...
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "chain(s) verified against 1 checkpoint(s)" in restore.stdout
    assert "BROKEN" not in restore.stdout
    # ... every event is there ...
    assert int(_psql(empty_database, "SELECT count(*) FROM core_auditevent")) == events
    # ... and every file reads back with the SHA-256 its row records
    rows = _psql(
        empty_database,
        "SELECT file, sha256 FROM documents_document UNION ALL SELECT file, sha256 FROM competence_competenceevidence",
    )
    pairs = sorted(tuple(line.split("|")) for line in rows.splitlines())
    assert pairs == sorted([(document.file.name, document.sha256), (evidence.file.name, evidence.sha256)])
    for name, digest in pairs:
        assert hashlib.sha256((restored_media / name).read_bytes()).hexdigest() == digest

    # and a second restore into the now filled database is refused before writing anything
    again = _run("restore.sh", str(folder), env=target_env)
    assert again.returncode == 1
    assert "restore into an empty one" in again.stderr
    assert int(_psql(empty_database, "SELECT count(*) FROM core_auditevent")) == events


def test_backup_needs_a_postgresql_database(tmp_path):
    result = _run(
        "backup.sh", str(tmp_path), env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    )
    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr
    assert list(tmp_path.iterdir()) == []
