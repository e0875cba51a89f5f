"""The body's logo, checked before it is stored."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.errors import ValidationError

LOGO_FORMATS = {"PNG", "JPEG"}


def check_logo(upload: Any) -> None:
    """A new logo must be a PNG or JPEG image of at most LOGO_MAX_BYTES, judged by its content, not its name.

    It is printed on every PDF of the body, so whatever reaches WeasyPrint has been opened and verified here.
    """
    if not isinstance(upload, UploadedFile):
        return  # unchanged, or cleared
    if upload.size is not None and upload.size > settings.LOGO_MAX_BYTES:
        raise ValidationError(
            {"logo": _("The logo is too large: at most %(kb)s KB.") % {"kb": settings.LOGO_MAX_BYTES // 1024}}
        )
    from PIL import Image, UnidentifiedImageError

    position = upload.tell()
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"logo": _("The logo must be a PNG or JPEG image.")}) from exc
    finally:
        upload.seek(position)
    if image_format not in LOGO_FORMATS:
        raise ValidationError({"logo": _("The logo must be a PNG or JPEG image.")})
