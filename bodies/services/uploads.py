"""The body's logo, checked before it is stored."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile

from core.uploads import UploadPolicy, upload_check

LOGO_FORMATS = {"PNG", "JPEG"}
#: what a logo may be: it is printed on every PDF of the body, so its pixels are capped as well as its bytes
LOGO_UPLOAD = UploadPolicy(
    kinds=("png", "jpeg"), size_setting="LOGO_MAX_BYTES", pixels_setting="LOGO_MAX_PIXELS"
)


def check_logo(upload: object) -> None:
    """A new logo must be a PNG or JPEG image within LOGO_MAX_BYTES and LOGO_MAX_PIXELS, judged by its content.

    It is printed on every PDF of the body, so whatever reaches WeasyPrint has been measured and verified here;
    it is stored as `<slug>.png` or `<slug>.jpg` whatever the uploader called it.
    """
    if not isinstance(upload, UploadedFile):
        return  # unchanged, or cleared
    upload_check(upload, LOGO_UPLOAD, field="logo")
