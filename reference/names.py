"""Reference data in the reader's language: a name has its English form (`name`, also what the API shows) and
an Icelandic one (`name_is`); pages, PDFs, emails and exports show the one of the active language."""

from __future__ import annotations

from typing import Any

from django.utils import translation


def localized_name(item: Any) -> str:
    """`name_is` when Icelandic is active and the item has one, else `name`."""
    language = translation.get_language() or ""
    if language.split("-")[0] == "is" and getattr(item, "name_is", ""):
        return str(item.name_is)
    return str(item.name)
