"""One upload checker: size, type judged by the content, a safe stored name; one wording for every face.

A field declares what it accepts once, as an `UploadPolicy`, and forms, serializers, imports and services all
call `upload_check` with it; the services call it too, so the rule holds on every path (the admin included).

    LOGO_UPLOAD = UploadPolicy(kinds=("png", "jpeg"), size_setting="LOGO_MAX_BYTES",
                               pixels_setting="LOGO_MAX_PIXELS")
    kind = upload_check(upload, LOGO_UPLOAD, field="logo")   # "png"; upload.name is now "<slug>.png"

The stored name and extension come from the detected type, never from the uploader: a PNG sent as `logo.html`
is stored as `logo.png`. Images are measured from their header before anything decodes them (Pillow's `open`
is lazy), so a file claiming 30000×30000 pixels is refused without allocating them.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image

from core.errors import ValidationError

#: what the platform can recognise; a policy accepts a subset
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "gif": "GIF", "csv": "CSV", "xlsx": "XLSX"}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "gif": "gif", "csv": "csv", "xlsx": "xlsx"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMAGE_KINDS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF"}  # kind -> Pillow's format name
SIGNATURES = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
]
#: binary files that are never text, whatever they are called
BINARY_SIGNATURES = (
    b"PK\x03\x04",
    b"MZ",
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
)
HEAD_BYTES = 8192

# Pillow refuses (DecompressionBombError) images over twice this many pixels even outside `upload_check`,
# e.g. when WeasyPrint lays out a stored logo; `upload_check` applies each field's own, lower, limit.
Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS


@dataclass(frozen=True)
class UploadPolicy:
    """What one upload field accepts: the kinds (keys of LABELS), and the settings holding its limits.

    Limits are named settings, read at each check, so they follow the environment (and tests' overrides).
    """

    kinds: tuple[str, ...]
    size_setting: str = "UPLOAD_MAX_BYTES"
    pixels_setting: str = "IMAGE_MAX_PIXELS"

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(LABELS)
        if unknown:
            raise ValueError(f"Unknown upload kinds: {sorted(unknown)}")

    @property
    def max_bytes(self) -> int:
        return int(getattr(settings, self.size_setting))

    @property
    def max_pixels(self) -> int:
        return int(getattr(settings, self.pixels_setting))

    @property
    def label(self) -> str:
        """'PDF, PNG or JPEG'."""
        names = [LABELS[kind] for kind in self.kinds]
        if len(names) == 1:
            return names[0]
        return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


# --- the wording (one per failure, whatever the field) -----------------------------------------------------


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=f"{field}_{code}")]})


def wrong_type_message(policy: UploadPolicy) -> str:
    return _("Upload a %(kinds)s file.") % {"kinds": policy.label}


def too_large_message(policy: UploadPolicy) -> str:
    return _("The file is too large (at most %(size)s).") % {"size": filesizeformat(policy.max_bytes)}


def too_many_pixels_message(policy: UploadPolicy) -> str:
    return _("The image is too large (at most %(pixels)s million pixels).") % {
        "pixels": f"{policy.max_pixels / 1_000_000:g}"
    }


# --- detection ----------------------------------------------------------------------------------------------


def _size_of(file: IO[bytes] | Any) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return int(size)


def _is_xlsx(file: IO[bytes]) -> bool:
    """An Office Open XML workbook: a zip archive with a workbook part (read from the central directory)."""
    try:
        with zipfile.ZipFile(file) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def detect_kind(file: IO[bytes] | Any) -> str | None:
    """The file's kind judged by its content (one of LABELS), or None when it is none of them."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        kind_or_none = "xlsx" if _is_xlsx(file) else None
        file.seek(0)
        return kind_or_none
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text (a spreadsheet's "Unicode text"): the reader asks for UTF-8 by name
    if b"\x00" in head or head.startswith(BINARY_SIGNATURES):
        return None
    return "csv"  # plain text; whether it is readable CSV (and UTF-8) is the reader's to say


def safe_name(original: str | None, kind: str) -> str:
    """`<slug of the uploader's stem>.<extension of the detected kind>`: 'Logo (final).html', png -> 'logo-final.png'."""
    base = os.path.basename((original or "").replace("\\", "/"))
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{slugify(stem)[:80].strip('-_') or 'upload'}.{EXTENSIONS[kind]}"


def _check_image(file: IO[bytes] | Any, kind: str, policy: UploadPolicy, field: str) -> None:
    """Reads the dimensions from the header, refuses too many pixels, and only then verifies the image."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # this check applies the field's own limit; Pillow's global one only warns in between
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:  # lazy: the header only
                width, height = image.size
                image_format = image.format
                if width * height > policy.max_pixels:
                    raise _refuse(field, too_many_pixels_message(policy), "too_many_pixels")
                image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # over Pillow's hard limit: refused on opening
        raise _refuse(field, too_many_pixels_message(policy), "too_many_pixels") from exc
    except (
        Exception
    ) as exc:  # Pillow raises many kinds (OSError, SyntaxError, IndexError...) for a damaged file
        raise _refuse(field, wrong_type_message(policy), "type") from exc
    finally:
        file.seek(0)
    if image_format != IMAGE_KINDS[kind]:
        raise _refuse(field, wrong_type_message(policy), "type")


def upload_check(file: Any, policy: UploadPolicy, *, field: str) -> str:
    """Checks one uploaded file against its field's policy and returns the kind detected from its content.

    Raises `ValidationError({field: ...})` (codes `<field>_too_large`, `<field>_type`,
    `<field>_too_many_pixels`). On success the file's `name` becomes a safe name with the detected extension,
    so whatever stores it next stores that name. The file is left at position 0.
    """
    if _size_of(file) > policy.max_bytes:
        raise _refuse(field, too_large_message(policy), "too_large")
    kind = detect_kind(file)
    if kind is None or kind not in policy.kinds:
        raise _refuse(field, wrong_type_message(policy), "type")
    if kind in IMAGE_KINDS:
        _check_image(file, kind, policy, field)
    file.name = safe_name(getattr(file, "name", None), kind)
    return kind


def upload_clean(file: Any, policy: UploadPolicy, *, field: str) -> str:
    """`upload_check` for a form's `clean_<field>` or a serializer's `validate_<field>`: the same check and
    wording, raised as the field's own errors (codes kept) rather than a {field: ...} dict."""
    try:
        return upload_check(file, policy, field=field)
    except ValidationError as exc:
        raise ValidationError(exc.error_dict[field]) from exc
