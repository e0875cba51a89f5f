"""Files on S3-compatible object storage (django-storages' S3Storage against moto's server on 127.0.0.1): an
upload through a service, a PDF rendered by the worker (eager Celery) with the body's logo read from the bucket,
downloads through the portal with the stored SHA-256, the health check, and nothing written to the local disk."""

from __future__ import annotations

import hashlib
import io
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from bodies.documents import APPROVAL_LETTER
from documents.models import Document
from documents.rendering import logo_data_uri
from documents.services import document_request
from tests.factories import CompetenceRecordFactory, MembershipFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "icr-test"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free loopback port, for this module's tests."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _settings_from_env(monkeypatch, **env: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """icr/settings.py evaluated afresh with these environment variables (the running settings stay as they are)."""
    for name in (
        "S3_BUCKET",
        "AWS_STORAGE_BUCKET_NAME",
        "S3_ENDPOINT_URL",
        "S3_ADDRESSING_STYLE",
        "AUDIT_CHECKPOINT_S3_BUCKET",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "icr" / "settings.py"))


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh, empty bucket as the default storage, configured by icr/settings.py from S3_* variables."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    for found in client.list_objects_v2(Bucket=BUCKET).get("Contents", []) if _exists(client) else []:
        client.delete_object(Bucket=BUCKET, Key=found["Key"])
    if not _exists(client):
        client.create_bucket(Bucket=BUCKET)
    configured = _settings_from_env(
        monkeypatch,
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID="test",
        S3_SECRET_ACCESS_KEY="test",
        S3_PREFIX="media",
        S3_TIMEOUT_SECONDS="2",
        S3_MAX_ATTEMPTS="1",
    )
    settings.MEDIA_ROOT = tmp_path / "local-media-never-used"
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    yield client
    assert not (tmp_path / "local-media-never-used").exists(), "a file went to the local disk"


def test_settings_use_the_local_disk_unless_a_bucket_is_named(monkeypatch):
    assert _settings_from_env(monkeypatch)["STORAGES"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    aws = _settings_from_env(monkeypatch, AWS_STORAGE_BUCKET_NAME="icr-files")["STORAGES"]["default"]
    assert aws["BACKEND"] == "storages.backends.s3.S3Storage"
    assert aws["OPTIONS"]["bucket_name"] == "icr-files"
    assert aws["OPTIONS"]["endpoint_url"] is None  # AWS itself
    minio = _settings_from_env(monkeypatch, S3_BUCKET="m", S3_ENDPOINT_URL="http://minio:9000")["STORAGES"]
    options = minio["default"]["OPTIONS"]
    assert options["client_config"].s3 == {"addressing_style": "path"}  # MinIO's
    assert (options["default_acl"], options["querystring_auth"], options["file_overwrite"]) == (
        None,
        True,
        False,
    )
    assert options["querystring_expire"] == 300
    # the audit checkpoints stay in their directory unless a bucket of their own is named
    assert minio["audit_checkpoints"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    both = _settings_from_env(monkeypatch, S3_BUCKET="m", AUDIT_CHECKPOINT_S3_BUCKET="checkpoints")[
        "STORAGES"
    ]
    assert both["audit_checkpoints"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert both["audit_checkpoints"]["OPTIONS"]["bucket_name"] == "checkpoints"


@pytest.mark.parametrize(
    "env",
    [
        {"S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "sideways"},
        {"S3_BUCKET": "b", "S3_URL_EXPIRE_SECONDS": "0"},
        {"S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "only-the-key"},
    ],
)
def test_settings_refuse_a_wrong_s3_configuration(monkeypatch, env):
    with pytest.raises(ImproperlyConfigured):
        _settings_from_env(monkeypatch, **env)


def _exists(client) -> bool:  # type: ignore[no-untyped-def]
    return any(found["Name"] == BUCKET for found in client.list_buckets().get("Buckets", []))


def _object(client, name: str) -> bytes:  # type: ignore[no-untyped-def]
    return client.get_object(Bucket=BUCKET, Key=f"media/{name}")["Body"].read()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_the_default_storage_is_the_bucket(bucket):
    from storages.backends.s3 import S3Storage

    name = default_storage.save("probe/hello.txt", ContentFile(b"hello"))
    assert isinstance(default_storage._wrapped, S3Storage)
    assert _object(bucket, name) == b"hello"
    # a name already taken gets a suffix instead of overwriting (file_overwrite False)
    second = default_storage.save("probe/hello.txt", ContentFile(b"other"))
    assert second != name and _object(bucket, name) == b"hello"
    # objects are private: the URL is signed and expires
    url = default_storage.url(name)
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=f"media/{name}")
    assert all(grant["Grantee"].get("URI", "").endswith("AllUsers") is False for grant in acl["Grants"])


def test_evidence_uploaded_through_the_service_lands_in_the_bucket_and_downloads(bucket, world):
    from competence.services import evidence_add

    # given a competence record of body A
    record = CompetenceRecordFactory(membership=MembershipFactory(body=world.a.body))

    # when its manager uploads evidence through the service
    evidence = evidence_add(
        record=record,
        actor=world.a.admin,
        upload=SimpleUploadedFile("Lead certificate.pdf", PDF, content_type="application/pdf"),
        description="Lead verifier certificate",
    )

    # then the bytes are in the bucket under the stored name, with their SHA-256
    assert _object(bucket, evidence.file.name) == PDF
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()

    # and the portal's download streams them from the bucket
    response = signed_in(world.a.admin).get(reverse("competence:evidence-download", args=[evidence.pk]))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert content == PDF
    assert response["X-Content-SHA256"] == evidence.sha256 == hashlib.sha256(content).hexdigest()


def test_a_pdf_rendered_by_the_worker_is_stored_in_the_bucket_and_downloads(
    bucket, world, client, django_capture_on_commit_callbacks
):
    # given body A with a logo in the bucket
    body = world.a.body
    body.logo.save("logo.png", ContentFile(_png()), save=True)
    assert _object(bucket, body.logo.name) == _png()
    assert logo_data_uri(body).startswith("data:image/png;base64,")  # read through the storage, not a path

    # and what an interrupted earlier attempt left at the document's name
    with django_capture_on_commit_callbacks(execute=False):
        document = document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=world.staff)
    target = Document._meta.get_field("file").generate_filename(document, f"{document.number}.pdf")
    default_storage.save(target, ContentFile(b"half a PDF"))

    # when the worker renders it (eager Celery)
    from documents.tasks import document_render_task

    document_render_task.delay(str(document.pk))

    # then the PDF replaced the leftover under the same name, and its SHA-256 is recorded
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert document.file.name == target  # the leftover was deleted, not kept beside a suffixed name
    stored = _object(bucket, document.file.name)
    assert stored.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(stored).hexdigest()
    assert document.size == len(stored)
    keys = [
        found["Key"] for found in bucket.list_objects_v2(Bucket=BUCKET, Prefix="media/documents/")["Contents"]
    ]
    assert keys == [f"media/{target}"]

    # and the portal's download (anyone: a public kind) streams the same bytes with their hash
    response = client.get(reverse("documents:download", args=[document.pk]))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["X-Content-SHA256"] == document.sha256 == hashlib.sha256(content).hexdigest()


def test_a_missing_object_downloads_as_404_not_500(bucket, world, client):
    body = world.a.body
    with pytest.raises(FileNotFoundError):
        default_storage.open("documents/nowhere.pdf", "rb")
    document = Document.objects.create(
        number="ICR-DOC-2026-S3404",
        kind=APPROVAL_LETTER,
        body=body,
        subject_type_id=_content_type_id(body),
        subject_id=str(body.pk),
        status=Document.Status.READY,
        sha256="0" * 64,
        size=1,
        file="documents/nowhere.pdf",
        requested_at=timezone.now(),
        rendered_at=timezone.now(),
    )
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def _content_type_id(obj) -> int:  # type: ignore[no-untyped-def]
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_the_health_check_probes_the_bucket(bucket, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"
    assert _object(bucket, "health/probe.txt") == b"ok\n"

    # a bucket that is gone fails the storage check
    for found in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        bucket.delete_object(Bucket=BUCKET, Key=found["Key"])
    bucket.delete_bucket(Bucket=BUCKET)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "fail"


def test_the_bucket_is_backed_up_and_restored_by_name_with_its_checksums(bucket, tmp_path):
    from django.core.management import CommandError, call_command

    # given two objects in the bucket
    first = default_storage.save("documents/2026/12/a.pdf", ContentFile(PDF))
    second = default_storage.save("evidence/2026/12/b.png", ContentFile(_png()))

    # when they are copied out
    out = io.StringIO()
    call_command("storage_backup", str(tmp_path / "copy"), stdout=out)

    # then the copy has both, with their SHA-256
    assert "2 object(s)" in out.getvalue()
    assert (tmp_path / "copy" / "MANIFEST.sha256").read_text().splitlines() == [
        f"{hashlib.sha256(PDF).hexdigest()}  objects/{first}",
        f"{hashlib.sha256(_png()).hexdigest()}  objects/{second}",
    ]

    # and once the bucket lost them, they come back under the same names
    default_storage.delete(first)
    default_storage.delete(second)
    out = io.StringIO()
    call_command("storage_restore", str(tmp_path / "copy"), stdout=out)
    assert "2 object(s) restored, 0 already there." in out.getvalue()
    assert _object(bucket, first) == PDF and _object(bucket, second) == _png()

    # a second restore changes nothing; other content under a stored name is refused unless --overwrite
    out = io.StringIO()
    call_command("storage_restore", str(tmp_path / "copy"), stdout=out)
    assert "0 object(s) restored, 2 already there." in out.getvalue()
    default_storage.delete(first)
    default_storage.save(first, ContentFile(b"%PDF-1.7 something else"))
    with pytest.raises(CommandError, match="other content"):
        call_command("storage_restore", str(tmp_path / "copy"), stdout=io.StringIO())
    call_command("storage_restore", str(tmp_path / "copy"), "--overwrite", stdout=io.StringIO())
    assert _object(bucket, first) == PDF


def test_the_profile_shows_the_logo_through_the_platform_not_the_bucket(bucket, world):
    # given body A's logo in the bucket
    body = world.a.body
    body.logo.save("logo.png", ContentFile(_png()), save=True)
    member = signed_in(world.a.member)

    # when a member opens the profile and the logo it shows
    page = member.get(reverse("bodies:profile"))
    logo = member.get(reverse("bodies:profile-logo"))

    # then the page links to the platform's logo view, which streams the bytes from the bucket
    assert page.status_code == 200
    assert f'src="{reverse("bodies:profile-logo")}"' in page.content.decode()
    assert "X-Amz-Signature" not in page.content.decode()
    assert logo.status_code == 200
    assert logo["Content-Type"] == "image/png"
    assert b"".join(logo.streaming_content) == _png()

    # and a body without a logo, or whose logo object is gone, answers 404
    assert signed_in(world.b.member).get(reverse("bodies:profile-logo")).status_code == 404
    default_storage.delete(body.logo.name)
    assert member.get(reverse("bodies:profile-logo")).status_code == 404


def test_audit_checkpoints_in_a_bucket_are_read_back_by_the_verification(
    bucket, s3_endpoint, settings, monkeypatch, world
):
    from django.core.management import call_command

    from bodies.services import body_update_profile

    # given an audited change and the checkpoints' own bucket (one every host reads)
    body_update_profile(body=world.a.body, actor=world.a.admin, fields={"contact_phone": "+354 555 0101"})
    bucket.create_bucket(Bucket="icr-checkpoints")
    configured = _settings_from_env(
        monkeypatch,
        AUDIT_CHECKPOINT_S3_BUCKET="icr-checkpoints",
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID="test",
        S3_SECRET_ACCESS_KEY="test",
        S3_MAX_ATTEMPTS="1",
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "audit_checkpoints": configured["STORAGES"]["audit_checkpoints"],
    }

    # when a checkpoint is written, then the trail verified
    call_command("audit_checkpoint", stdout=io.StringIO())
    out = io.StringIO()
    call_command("audit_verify", stdout=out)

    # then the checkpoint is an object of that bucket, and the verification read it
    keys = [found["Key"] for found in bucket.list_objects_v2(Bucket="icr-checkpoints")["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("audit-checkpoint-")
    assert "verified against 1 checkpoint(s)" in out.getvalue()
    for key in keys:
        bucket.delete_object(Bucket="icr-checkpoints", Key=key)
    bucket.delete_bucket(Bucket="icr-checkpoints")


def test_a_render_is_retried_while_the_object_storage_cannot_be_reached(bucket, world, settings):
    from documents.tasks import document_render_task

    # given a document whose render cannot store its PDF: nothing listens where the bucket should be
    body = world.a.body
    document = document_request(kind=APPROVAL_LETTER, subject=body, body=body, actor=None)
    unreachable = {
        **settings.STORAGES["default"]["OPTIONS"],
        "endpoint_url": f"http://127.0.0.1:{_closed_port()}",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": unreachable},
    }

    # when the worker runs it, then it asks Celery to try again later, as for a disk hiccup (before: given up)
    from celery.exceptions import Retry

    with pytest.raises(Retry, match="EndpointConnectionError"):
        document_render_task.delay(str(document.pk))

    # and the attempt is recorded on the row, which a retry (or the reconcile sweep) claims again
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert document.attempts == 1
    assert "Could not connect" in document.error


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_large_import_file_is_stored_in_the_bucket_and_read_back_by_the_task(
    bucket, world, settings, django_capture_on_commit_callbacks
):
    from competence.importing import COLUMNS, competence_import_preview
    from imports.models import ImportBatch

    # given a file over the inline size, uploaded through the service
    settings.IMPORT_INLINE_MAX_BYTES = 10
    content = (
        ",".join(COLUMNS) + "\ntomas@auditors.example,Tómas Berg,technical_expert,technical_expert,,,,,,,,,\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        competence_import_preview(
            body=world.a.body,
            actor=world.a.admin,
            upload=SimpleUploadedFile("people.csv", content, content_type="text/csv"),
        )

    # then the stored file is an object of the bucket, and the worker's task read it from there
    batch = ImportBatch.objects.get()
    assert _object(bucket, batch.file.name) == content
    assert (batch.status, batch.row_count, batch.error_count) == ("previewed", 1, 0)
