"""Bulk import of a body's clients and their sites, declared on the import engine (`imports`).

One row is one client, optionally with one of its sites; a client with several sites is written on several rows
with the same client columns (the rows of one client are recognised by its registration number, or its legal
name when it has none). Columns (header names, any order):

    legal_name, short_name, kind, country, registration_number, address, contact_name, contact_email,
    contact_phone, sectors, effective_personnel,
    site_name, site_address, site_country, site_activities, site_effective_personnel, site_is_central_function

`kind` is `organisation`, `proponent` or `both` (blank: organisation); countries are two-letter ISO codes;
`sectors` are `scheme:code` separated by ";" (e.g. `iaf:25;ghg:1`); `site_is_central_function` is yes/no.
The import adds new clients only: a registration number the body already has is refused. The engine reads the
file once and stores its rows; applying re-checks them against the database as it is then and writes every row
through the clients services (`client_create`, `site_create`) in one transaction, or nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries as countries_registry

from bodies.models.tenants import Body
from core.audit import declare_audit_actions
from core.types import Actor
from imports.models import ImportBatch
from imports.registry import ImportKind, ImportRow, register
from imports.services import ImportPreview, import_apply, import_upload
from reference.models import Sector

from .models import Client, ClientKind
from .services import client_create, site_create

CLIENT_IMPORT = "clients.clients"
CLIENT_COLUMNS = [
    "legal_name",
    "short_name",
    "kind",
    "country",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "sectors",
    "effective_personnel",
]
SITE_COLUMNS = [
    "site_name",
    "site_address",
    "site_country",
    "site_activities",
    "site_effective_personnel",
    "site_is_central_function",
]
COLUMNS = [*CLIENT_COLUMNS, *SITE_COLUMNS]
REQUIRED = ["legal_name", "country", "contact_name", "contact_email"]
IMPORT_TEMPLATE_EXAMPLE = [
    "Hekla Geothermal hf.",
    "Hekla Geo",
    "organisation",
    "IS",
    "5501012340",
    "Orkuvegur 1, 110 Reykjavík",
    "Sigrún Jónsdóttir",
    "sigrun@hekla-geo.example",
    "+354 555 0101",
    "ghg:1",
    "120",
    "Head office",
    "Orkuvegur 1, 110 Reykjavík",
    "IS",
    "Management, engineering",
    "40",
    "yes",
]
YES = {"yes", "y", "true", "1", "já", "ja"}
NO = {"no", "n", "false", "0", "nei", ""}

__all__ = [
    "CLIENT_IMPORT",
    "COLUMNS",
    "IMPORT_TEMPLATE_EXAMPLE",
    "ImportPreview",
    "client_import_apply",
    "client_import_preview",
]

declare_audit_actions(
    {
        "clients.import.previewed": gettext_lazy("uploaded the client import file for checking"),
        "clients.import.applied": gettext_lazy("applied the client import"),
    }
)


# --- checking -----------------------------------------------------------------------------------------------


def _count(row: ImportRow, name: str, *, required: bool) -> int | None:
    raw = row.values[name].strip()
    if not raw:
        if required:
            row.errors[name] = _("Required.")
        return None
    if not raw.isdigit():
        row.errors[name] = _("Use a whole number, 0 or more.")
        return None
    return int(raw)


def _country(row: ImportRow, name: str) -> str:
    code = row.values[name].strip().upper()
    if not code:
        row.errors[name] = _("Required.")
    elif code not in countries_registry:
        row.errors[name] = _("Use a two-letter country code, e.g. IS or EE.")
    return code


def _client_values(row: ImportRow, sectors: dict[tuple[str, str], Sector]) -> dict[str, Any]:
    v = row.values
    for name in REQUIRED:
        if not v[name].strip():
            row.errors[name] = _("Required.")
    email = v["contact_email"].strip()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            row.errors["contact_email"] = _("Enter a valid email address.")
    kind = v["kind"].strip() or ClientKind.ORGANISATION
    if kind not in ClientKind.values:
        row.errors["kind"] = _("Use organisation, proponent or both.")
    chosen: list[Sector] = []
    unknown: list[str] = []
    for ref in (part.strip() for part in v["sectors"].split(";")):
        if not ref:
            continue
        scheme, _sep, code = ref.partition(":")
        sector = sectors.get((scheme.strip().lower(), code.strip()))
        if sector is None:
            unknown.append(ref)
        else:
            chosen.append(sector)
    if unknown:
        row.errors["sectors"] = _("Unknown sector(s): %(v)s (write scheme:code, e.g. iaf:25).") % {
            "v": ", ".join(unknown)
        }
    return {
        "legal_name": v["legal_name"].strip(),
        "short_name": v["short_name"].strip(),
        "kind": kind,
        "country": _country(row, "country") if v["country"].strip() else "",
        "registration_number": v["registration_number"].strip(),
        "address": v["address"].strip(),
        "contact_name": v["contact_name"].strip(),
        "contact_email": email,
        "contact_phone": v["contact_phone"].strip(),
        "sectors": chosen,
        "effective_personnel": _count(row, "effective_personnel", required=False),
        "notes": "",
    }


def _site_values(row: ImportRow) -> dict[str, Any] | None:
    v = row.values
    if not any(v[name].strip() for name in SITE_COLUMNS):
        return None
    if not v["site_name"].strip():
        row.errors["site_name"] = _("Required with a site.")
    central = v["site_is_central_function"].strip().lower()
    if central not in YES | NO:
        row.errors["site_is_central_function"] = _("Use yes or no.")
    return {
        "name": v["site_name"].strip(),
        "address": v["site_address"].strip(),
        "country": _country(row, "site_country"),
        "activities": v["site_activities"].strip(),
        "effective_personnel": _count(row, "site_effective_personnel", required=True),
        "is_central_function": central in YES,
    }


def _validate(body: Body, rows: list[ImportRow]) -> None:
    """Checks every row; fills row.errors and row.parsed. Reads only, a constant number of queries."""
    sectors = {(s.scheme, s.code): s for s in Sector.objects.filter(is_current=True)}
    existing = set(
        Client.objects.for_body(body)
        .exclude(registration_number="")
        .values_list("registration_number", flat=True)
    )
    first_rows: dict[str, dict[str, str]] = {}
    central_seen: set[str] = set()
    for row in rows:
        client = _client_values(row, sectors)
        key = client["registration_number"] or client["legal_name"].casefold()
        row.parsed["key"] = key
        row.parsed["client"] = client
        if client["registration_number"] and client["registration_number"] in existing:
            row.errors.setdefault(
                "registration_number", _("The body already has a client with this registration number.")
            )
        # a client's later rows (one per site) must repeat the same client columns
        first = first_rows.setdefault(key, {name: row.values[name] for name in CLIENT_COLUMNS})
        differing = [name for name in CLIENT_COLUMNS if row.values[name] != first[name]]
        if differing:
            row.errors.setdefault(
                differing[0], _("The same client is written differently on an earlier row.")
            )
        site = _site_values(row)
        row.parsed["site"] = site
        if site and site["is_central_function"]:
            if key in central_seen:
                row.errors["site_is_central_function"] = _("The client already has a central function.")
            central_seen.add(key)


# --- writing ------------------------------------------------------------------------------------------------


def _write(body: Body, actor: Actor, rows: list[ImportRow]) -> None:
    made: dict[str, Client] = {}
    for row in rows:
        key = row.parsed["key"]
        client = made.get(key)
        if client is None:
            fields = dict(row.parsed["client"])
            sectors = fields.pop("sectors")
            client = client_create(body=body, actor=actor, fields=fields, sectors=sectors)
            made[key] = client
        if row.parsed["site"]:
            site_create(client=client, actor=actor, fields=row.parsed["site"])


register(
    ImportKind(
        code=CLIENT_IMPORT,
        columns=COLUMNS,
        required=REQUIRED,
        permission="manage_clients",
        audit_prefix="clients.import",
        validate=_validate,
        apply=_write,
        label=gettext_lazy("Clients and sites"),
    )
)


def client_import_preview(*, body: Body, actor: Actor, upload: Any) -> ImportPreview:
    """Stores the file and reports, row by row, what applying it would do or why it cannot. Writes no records."""
    return import_upload(kind=CLIENT_IMPORT, body=body, actor=actor, upload=upload)


def client_import_apply(*, batch: ImportBatch, actor: Actor) -> ImportPreview:
    """Applies a previewed file: re-checks it now and writes every row in one transaction, or nothing."""
    return import_apply(batch=batch, actor=actor)
