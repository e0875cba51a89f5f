"""The one upload checker: size, type by content, pixels before decoding, a safe stored name; every face."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bodies.models import Body
from competence.models import CompetenceEvidence
from core.errors import ValidationError
from core.models import AuditEvent
from core.uploads import UploadPolicy, detect_kind, safe_name, upload_check
from tests.helpers import png_bytes, record_for, signed_in, url

pytestmark = pytest.mark.django_db

LOGO = UploadPolicy(kinds=("png", "jpeg"), size_setting="LOGO_MAX_BYTES", pixels_setting="LOGO_MAX_PIXELS")
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def png_claiming(width: int, height: int) -> bytes:
    """A PNG signature and header (IHDR) claiming a size, with no pixel data: decoding it would fail."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    iend = struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND"))
    return b"\x89PNG\r\n\x1a\n" + chunk + iend


def image(fmt: str, size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 92, 77)).save(buffer, format=fmt)
    return buffer.getvalue()


def refusal(exc: pytest.ExceptionInfo[ValidationError], field: str) -> tuple[list[str], list[str | None]]:
    errors = exc.value.error_dict[field]
    return [e.messages[0] for e in errors], [e.code for e in errors]


# --- the checker --------------------------------------------------------------------------------------------


def test_the_last_allowed_byte_passes_and_the_next_is_refused(settings):
    # given a PNG and a limit of exactly its size
    content = png_bytes((8, 8))
    settings.LOGO_MAX_BYTES = len(content)
    # when / then the last allowed size passes
    assert upload_check(SimpleUploadedFile("a.png", content), LOGO, field="logo") == "png"
    # and one byte less of allowance refuses it
    settings.LOGO_MAX_BYTES = len(content) - 1
    with pytest.raises(ValidationError) as exc:
        upload_check(SimpleUploadedFile("a.png", content), LOGO, field="logo")
    assert refusal(exc, "logo") == (
        [f"The file is too large (at most {len(content) - 1}\xa0bytes)."],
        ["logo_too_large"],
    )


def test_the_last_allowed_pixel_count_passes_and_one_more_is_refused(settings):
    # given a limit of 100 × 50 pixels
    settings.LOGO_MAX_PIXELS = 100 * 50
    # when / then exactly that many pass
    assert upload_check(SimpleUploadedFile("a.png", image("PNG", (100, 50))), LOGO, field="logo") == "png"
    # and one more row of pixels is refused
    with pytest.raises(ValidationError) as exc:
        upload_check(SimpleUploadedFile("a.jpg", image("JPEG", (100, 51))), LOGO, field="logo")
    assert refusal(exc, "logo") == (
        ["The image is too large (at most 0.005 million pixels)."],
        ["logo_too_many_pixels"],
    )


@pytest.mark.parametrize(("width", "height"), [(30000, 30000), (4000, 1001)])
def test_pixels_are_counted_from_the_header_before_decoding(settings, width, height):
    # given a header alone: decoding it would fail, so only the header was read when it is refused for size
    settings.LOGO_MAX_PIXELS = 4_000_000
    upload = SimpleUploadedFile("huge.png", png_claiming(width, height))
    # when
    with pytest.raises(ValidationError) as exc:
        upload_check(upload, LOGO, field="logo")
    # then
    assert refusal(exc, "logo")[1] == ["logo_too_many_pixels"]


def test_a_broken_image_within_the_limit_is_refused_as_the_wrong_type():
    with pytest.raises(ValidationError) as exc:
        upload_check(SimpleUploadedFile("a.png", png_claiming(10, 10)), LOGO, field="logo")
    assert refusal(exc, "logo") == (["Upload a PNG or JPEG file."], ["logo_type"])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", HTML),  # HTML named .png
        ("logo.png", b"GIF89a" + image("GIF", (4, 4))[6:]),  # an image, of a kind the field does not take
        ("logo.png", b"%PDF-1.7\n"),
        ("logo.png", b"MZ\x90\x00"),
    ],
)
def test_the_type_is_judged_by_content_not_name(name, content):
    with pytest.raises(ValidationError) as exc:
        upload_check(SimpleUploadedFile(name, content), LOGO, field="logo")
    assert refusal(exc, "logo") == (["Upload a PNG or JPEG file."], ["logo_type"])


def test_the_stored_name_comes_from_the_detected_type():
    # given a PNG sent as an HTML page
    upload = SimpleUploadedFile("Our Logo (final).html", png_bytes())
    # when
    kind = upload_check(upload, LOGO, field="logo")
    # then
    assert (kind, upload.name) == ("png", "our-logo-final.png")


@pytest.mark.parametrize(
    ("original", "kind", "expected"),
    [
        ("logo.html", "png", "logo.png"),
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("C:\\Users\\x\\scan.JPEG", "jpeg", "scan.jpg"),
        ("", "csv", "upload.csv"),
        (None, "xlsx", "upload.xlsx"),
        ("....", "pdf", "upload.pdf"),
        ("people.tar.gz", "csv", "peopletar.csv"),
    ],
)
def test_safe_name(original, kind, expected):
    assert safe_name(original, kind) == expected


def test_detect_kind():
    from openpyxl import Workbook

    book = io.BytesIO()
    Workbook().save(book)
    other_zip = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert detect_kind(io.BytesIO(book.getvalue())) == "xlsx"
    assert detect_kind(io.BytesIO(other_zip.getvalue())) is None
    assert detect_kind(io.BytesIO(b"email,full_name\n")) == "csv"
    assert detect_kind(io.BytesIO(b"a\x00b")) is None
    assert detect_kind(io.BytesIO("email\n".encode("utf-16"))) == "csv"  # the reader then asks for UTF-8
    assert detect_kind(io.BytesIO(image("JPEG", (2, 2)))) == "jpeg"
    assert detect_kind(io.BytesIO(b"%PDF-1.4")) == "pdf"


# --- the faces: the body logo through the API, the portal and the service -------------------------------------


def test_api_stores_a_png_named_html_as_png(world):
    # given
    upload = io.BytesIO(png_bytes((16, 16)))
    upload.name = "logo.html"
    # when
    response = signed_in(world.a.admin).patch(
        f"/api/v1/bodies/{world.a.body.pk}/", {"logo": upload}, format="multipart"
    )
    # then
    assert response.status_code == 200, response.content
    body = Body.objects.get(pk=world.a.body.pk)
    assert body.logo.name.startswith("logos/logo")
    assert body.logo.name.endswith(".png")
    assert not body.logo.name.endswith(".html")


def test_api_answers_400_for_a_header_claiming_30000_by_30000_and_changes_nothing(world):
    # given
    upload = io.BytesIO(png_claiming(30000, 30000))
    upload.name = "logo.png"
    before = AuditEvent.objects.count()
    # when
    response = signed_in(world.a.admin).patch(
        f"/api/v1/bodies/{world.a.body.pk}/", {"logo": upload}, format="multipart"
    )
    # then
    assert response.status_code == 400, response.content
    assert response.json()["fieldErrors"] == {"logo": ["The image is too large (at most 4 million pixels)."]}
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""
    assert AuditEvent.objects.count() == before


def test_api_refuses_html_named_png_as_logo(world):
    upload = io.BytesIO(HTML)
    upload.name = "logo.png"
    response = signed_in(world.a.admin).patch(
        f"/api/v1/bodies/{world.a.body.pk}/", {"logo": upload}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["fieldErrors"] == {"logo": ["Upload a PNG or JPEG file."]}
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""


def test_portal_refuses_a_logo_over_the_pixel_limit_with_the_same_wording(login, world, settings):
    # given
    from tests.bodies.test_pages import body_form_data

    settings.LOGO_MAX_PIXELS = 40 * 20 - 1
    upload = SimpleUploadedFile("logo.png", image("PNG", (40, 20)), content_type="image/png")
    # when
    response = login(world.a.admin).post(reverse("bodies:profile-edit"), {**body_form_data(), "logo": upload})
    # then
    assert response.status_code == 200
    assert [(e.code, e.messages) for e in response.context["form"].errors.as_data()["logo"]] == [
        ("logo_too_many_pixels", ["The image is too large (at most 0.000799 million pixels)."])
    ]
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""


def test_the_service_refuses_the_pixels_too_so_the_admin_path_is_covered(world):
    from bodies import services

    with pytest.raises(ValidationError) as exc:
        services.body_update_profile(
            body=world.a.body,
            actor=world.staff,
            fields={"logo": SimpleUploadedFile("logo.png", png_claiming(8000, 8000))},
        )
    assert exc.value.message_dict == {"logo": ["The image is too large (at most 4 million pixels)."]}
    assert Body.objects.get(pk=world.a.body.pk).logo.name == ""


# --- evidence ------------------------------------------------------------------------------------------------


def test_evidence_is_stored_under_the_detected_extension(world):
    # given a PDF sent as a web page
    record = record_for(world.a.member, world.a.body)
    # when
    response = signed_in(world.a.admin).post(
        url("competence-record-evidence", record.pk),
        {"file": SimpleUploadedFile("Certificate.html", b"%PDF-1.7\n%%EOF\n"), "description": "Certificate"},
        format="multipart",
    )
    # then
    assert response.status_code == 201, response.content
    evidence = CompetenceEvidence.objects.get(record=record)
    assert evidence.file.name.rsplit("/", 1)[-1].startswith("certificate")
    assert evidence.file.name.endswith(".pdf")


def test_evidence_html_named_pdf_is_refused_in_both_faces(login, world):
    record = record_for(world.a.member, world.a.body)
    before = (CompetenceEvidence.objects.count(), AuditEvent.objects.count())
    api = signed_in(world.a.admin).post(
        url("competence-record-evidence", record.pk),
        {"file": SimpleUploadedFile("scan.pdf", HTML), "description": "Scan"},
        format="multipart",
    )
    portal = login(world.a.admin).post(
        reverse("competence:evidence-add", args=[record.pk]),
        {"file": SimpleUploadedFile("scan.pdf", HTML), "description": "Scan"},
    )
    assert api.status_code == 400
    assert api.json()["fieldErrors"] == {"file": ["Upload a PDF, PNG or JPEG file."]}
    assert portal.status_code == 400
    assert portal.context["evidence_form"].errors == {"file": ["Upload a PDF, PNG or JPEG file."]}
    assert (CompetenceEvidence.objects.count(), AuditEvent.objects.count()) == before


def test_an_evidence_scan_over_the_image_pixel_limit_is_refused(world, settings):
    from competence.services import evidence_add

    settings.IMAGE_MAX_PIXELS = 1000
    record = record_for(world.a.member, world.a.body)
    with pytest.raises(ValidationError) as exc:
        evidence_add(
            record=record,
            actor=world.a.admin,
            upload=SimpleUploadedFile("scan.png", image("PNG", (40, 26))),
            description="Scan",
        )
    assert exc.value.message_dict == {"file": ["The image is too large (at most 0.001 million pixels)."]}
    assert CompetenceEvidence.objects.count() == 0
