"""Icelandic is complete: every string marked for translation in a template or in Python is in the Icelandic
catalogue (`locale/is/LC_MESSAGES/django.po`), translated, not fuzzy, and compiled into the `.mo` Django reads.

The strings are found the way `makemessages` finds them, without running it (fast, no gettext tools): templates
(.html, .txt) go through Django's own `templatize` (what makemessages hands to xgettext), Python files through
`ast` with xgettext's keywords for Django. A failure names the strings and where they are; the fix is
`make messages`, then translating what it added.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "locale" / "is" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
#: what `make messages` leaves out (its --ignore) plus what makemessages never reads
SKIPPED_DIRS = {".venv", "static", "staticfiles", "locale", "node_modules", "var", "media", "__pycache__"}
TEMPLATE_SUFFIXES = {".html", ".txt"}

Key = tuple[str, str]  # (context, msgid); context "" when none

#: xgettext's keywords as makemessages passes them: name → (context argument, msgid argument), by position
PYTHON_KEYWORDS: dict[str, tuple[int | None, int]] = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
_LITERAL = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    rf"(?<![\w.])(_|gettext|ngettext|pgettext|npgettext)\(\s*((?:{_LITERAL}\s*,?\s*)+)"
)


@dataclass
class Entry:
    msgstrs: list[str] = field(default_factory=list)
    fuzzy: bool = False
    references: list[str] = field(default_factory=list)


def source_files(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
                found.append(path)
    return found


def template_strings(source: str) -> list[Key]:
    """The (context, msgid) of every {% translate %}, {% blocktranslate %} and _("…") of a template."""
    keys = []
    for match in _TEMPLATE_CALL.finditer(templatize(source)):
        args = [ast.literal_eval(lit) for lit in re.findall(_LITERAL, match.group(2))]
        if match.group(1) in ("pgettext", "npgettext"):
            keys.append((args[0], args[1]))
        else:
            keys.append(("", args[0]))
    return keys


def python_strings(source: str) -> list[Key]:
    """The (context, msgid) of every gettext-family call with literal arguments in a Python module."""
    keys = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in PYTHON_KEYWORDS:
            continue
        context_at, msgid_at = PYTHON_KEYWORDS[name]
        args = node.args
        if len(args) <= msgid_at or not _is_text(args[msgid_at]):
            continue
        if context_at is not None and not _is_text(args[context_at]):
            continue
        context = args[context_at].value if context_at is not None else ""  # type: ignore[attr-defined]
        keys.append((context, args[msgid_at].value))  # type: ignore[attr-defined]
    return keys


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def marked_strings(root: Path) -> dict[Key, list[str]]:
    """Every string marked for translation under `root`, with the files that mark it."""
    found: dict[Key, list[str]] = {}
    for path in source_files(root):
        source = path.read_text(encoding="utf-8")
        keys = python_strings(source) if path.suffix == ".py" else template_strings(source)
        for key in keys:
            if key[1]:
                found.setdefault(key, []).append(str(path.relative_to(root)))
    return found


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a .po string is a C string literal, the same escapes as Python's


def read_po(text: str) -> dict[Key, Entry]:
    """The live entries of a .po file (obsolete `#~` ones and the header left out)."""
    entries: dict[Key, Entry] = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.strip().splitlines()]
        if not lines or all(line.startswith("#~") or not line for line in lines):
            continue
        entry, fields, current = Entry(), {}, ""
        for line in lines:
            if line.startswith("#,"):
                entry.fuzzy = entry.fuzzy or "fuzzy" in line
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += _unquote(line)
            else:
                current, _, literal = line.partition(" ")
                fields[current] = _unquote(literal)
        msgid = fields.get("msgid", "")
        if not msgid:
            continue  # the header
        entry.msgstrs = [value for name, value in fields.items() if name.startswith("msgstr")]
        entries[(fields.get("msgctxt", ""), msgid)] = entry
    return entries


def untranslated(entries: dict[Key, Entry]) -> list[str]:
    return sorted(
        f"{_show(key)}{' (fuzzy)' if entry.fuzzy else ''} — {' '.join(entry.references[:2])}"
        for key, entry in entries.items()
        if entry.fuzzy or not entry.msgstrs or not all(entry.msgstrs)
    )


def missing(marked: dict[Key, list[str]], entries: dict[Key, Entry]) -> list[str]:
    return sorted(
        f"{_show(key)} — {' '.join(files[:2])}" for key, files in marked.items() if key not in entries
    )


def _show(key: Key) -> str:
    return f"[{key[0]}] {key[1]!r}" if key[0] else repr(key[1])


def _report(problems: list[str], what: str) -> str:
    shown = "\n  ".join(problems[:40])
    more = f"\n  … and {len(problems) - 40} more" if len(problems) > 40 else ""
    return f"{len(problems)} {what} (run `make messages` and translate):\n  {shown}{more}"


# --- the checks on the real catalogue ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue() -> dict[Key, Entry]:
    return read_po(PO_FILE.read_text(encoding="utf-8"))


def test_every_string_marked_for_translation_is_in_the_icelandic_catalogue(catalogue):
    problems = missing(marked_strings(ROOT), catalogue)
    assert not problems, _report(problems, "strings marked for translation are missing from locale/is")


def test_every_icelandic_catalogue_entry_is_translated_and_not_fuzzy(catalogue):
    problems = untranslated(catalogue)
    assert not problems, _report(problems, "Icelandic entries are untranslated or fuzzy")


def test_the_compiled_icelandic_catalogue_has_every_translation(catalogue):
    with MO_FILE.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    stale = sorted(
        _show(key)
        for key, entry in catalogue.items()
        if entry.msgstrs and all(entry.msgstrs) and not entry.fuzzy and not _compiled(compiled, key)
    )
    assert not stale, _report(stale, "translations are not in django.mo (run compilemessages)")


def _compiled(compiled: gnu_gettext.GNUTranslations, key: Key) -> bool:
    lookup = f"{key[0]}\x04{key[1]}" if key[0] else key[1]
    catalog = compiled._catalog  # type: ignore[attr-defined]
    return lookup in catalog or (lookup, 0) in catalog


# --- the checker itself, on strings made here --------------------------------------------------------------


PO_SAMPLE = r"""
msgid ""
msgstr ""
"Language: is\n"

#: templates/x.html:1
msgid "Done"
msgstr "Lokið"

#: templates/x.html:2
#, fuzzy
msgid "Open"
msgstr "Opið"

#: core/x.py:3
msgctxt "import status"
msgid "Applied"
msgstr ""

#: core/x.py:4
msgid "one day"
msgid_plural "%(n)s days"
msgstr[0] "einn dagur"
msgstr[1] ""

#: core/x.py:5
msgid "A long "
"sentence \"quoted\""
msgstr "Löng "
"setning"

#~ msgid "Gone"
#~ msgstr ""
"""


def test_the_checker_reads_translated_fuzzy_empty_and_plural_entries():
    entries = read_po(PO_SAMPLE)

    assert set(entries) == {
        ("", "Done"),
        ("", "Open"),
        ("import status", "Applied"),
        ("", "one day"),
        ("", 'A long sentence "quoted"'),
    }
    assert [line.split(" — ")[0] for line in untranslated(entries)] == [
        "'Open' (fuzzy)",
        "'one day'",
        "[import status] 'Applied'",
    ]


def test_the_checker_finds_template_and_python_strings_missing_from_the_catalogue():
    template = (
        '{% load i18n %}{% translate "Done" %} {% translate "New" context "menu" %}'
        "{% blocktranslate with n=count %}{{ n }} left{% endblocktranslate %}"
        '{{ value|default:_("Never") }}'
        "{% blocktranslate count counter=n %}one day{% plural %}{{ counter }} days{% endblocktranslate %}"
    )
    python = 'from django.utils.translation import gettext_lazy as _, pgettext\nA = _("Done")\nB = pgettext("x", "Y")'

    marked = {key: ["here"] for key in template_strings(template) + python_strings(python)}

    assert set(marked) == {
        ("", "Done"),
        ("menu", "New"),
        ("", "%(n)s left"),
        ("", "Never"),
        ("", "one day"),
        ("x", "Y"),
    }
    assert missing(marked, read_po(PO_SAMPLE)) == [
        "'%(n)s left' — here",
        "'Never' — here",
        "[menu] 'New' — here",
        "[x] 'Y' — here",
    ]


def aliased_translation_imports(root: Path) -> list[str]:
    """`from django.utils.translation import gettext as t`: makemessages knows the calls by name (`_` and the
    keywords above), so a call through any other alias never reaches the catalogue and goes out in English."""
    found = []
    for path in source_files(root):
        if path.suffix != ".py" or "tests" in path.relative_to(root).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                for alias in node.names:
                    if alias.asname and alias.asname != "_" and alias.name in PYTHON_KEYWORDS:
                        found.append(
                            f"{path.relative_to(root)}:{node.lineno}: {alias.name} as {alias.asname}"
                        )
    return found


def test_translation_functions_are_called_by_a_name_makemessages_knows(tmp_path):
    assert aliased_translation_imports(ROOT) == []
    # the check finds an alias
    (tmp_path / "app.py").write_text("from django.utils.translation import gettext as t\nA = t('Hidden')\n")
    assert aliased_translation_imports(tmp_path) == ["app.py:1: gettext as t"]
