"""Writes reference/country_names/<language>/LC_MESSAGES/django.po and .mo: the names of the countries that
django-countries shows, in a language its own catalogues lack (Icelandic), from the Unicode CLDR by ISO code.

django-countries marks its English names for translation, so Django reads these like any other catalogue (the
folder is in LOCALE_PATHS after locale/, and is not named `locale`, so `makemessages` leaves it alone).
Run it again after upgrading django-countries; it needs Babel (`pip install babel==2.18.0`), the platform
does not:

    DJANGO_SETTINGS_MODULE=icr.settings .venv/bin/python scripts/country_names_catalogue.py is
"""

from __future__ import annotations

import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent


def main(language: str) -> None:
    sys.path.insert(0, str(ROOT))
    django.setup()
    from babel import Locale
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po
    from django.utils import translation
    from django_countries.base import CountriesBase
    from django_countries.data import COUNTRIES

    territories = Locale.parse(language).territories
    catalog = Catalog(
        locale=language,
        project="ICR Conformity (country names)",
        version="1",
        copyright_holder="International Carbon Registry",
        last_translator="Unicode CLDR, through Babel",
        charset="utf-8",
        fuzzy=False,
    )
    with translation.override(None):  # the English msgids as django-countries marks them
        names = [*COUNTRIES.items(), *CountriesBase.COMMON_NAMES.items()]
        for code, name in sorted(names, key=lambda pair: str(pair[1])):
            translated = territories.get(code)
            if translated and str(name) not in catalog:
                catalog.add(str(name), translated, auto_comments=[f"ISO 3166-1 {code}"])
    folder = ROOT / "reference" / "country_names" / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "django.po").open("wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False)
    with (folder / "django.mo").open("wb") as handle:
        write_mo(handle, catalog)
    print(f"{len(catalog)} country names in {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "is")
