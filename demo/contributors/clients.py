"""The clients capability's part of the demo data: Icelandic and Baltic organisations the demo bodies work for —
a geothermal power company with three sites (one the central function) and a carbon-storage project, an
aluminium smelter, a forestry project proponent with its consultant, and two Baltic certified organisations (a
fishing and fish-processing company, an aluminium extruder). Written through the clients services, by each
body's administrator. It relies on the bodies the bodies part created."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accounts.models import User
from bodies.models import Body
from clients import services as clients
from clients.models import Client
from reference.models import Sector

from ..registry import Contributor, DemoContext, demo_user, register

NORDIC = ("Nordic Carbon Verification ehf.", "admin@nordic-verification.example")
BALTIC = ("Baltic Management Systems Certification OÜ", "admin@baltic-certification.example")

#: (body, client fields, sectors as (scheme, code), sites)
CLIENTS: list[tuple[tuple[str, str], dict[str, Any], list[tuple[str, str]], list[dict[str, Any]]]] = [
    (
        NORDIC,
        {
            "legal_name": "Reykjanes Geothermal Power hf.",
            "short_name": "Reykjanes Power",
            "kind": Client.Kind.BOTH,
            "country": "IS",
            "registration_number": "610798-2199",
            "address": "Svartsengi\n240 Grindavík\nIceland",
            "contact_name": "Bryndís Ólafsdóttir",
            "contact_email": "bryndis@reykjanes-power.example",
            "contact_phone": "+354 555 0410",
            "effective_personnel": 185,
            "notes": "Verification of annual GHG statements since 2024.",
        },
        [("ghg", "1"), ("ghg", "16")],
        [
            {
                "name": "Head office, Reykjavík",
                "address": "Urðarhvarf 8, 203 Kópavogur",
                "country": "IS",
                "activities": "Management, engineering, GHG inventory and reporting",
                "effective_personnel": 45,
                "is_central_function": True,
            },
            {
                "name": "Svartsengi power plant",
                "address": "Svartsengi, 240 Grindavík",
                "country": "IS",
                "activities": "Geothermal electricity and district heating; CO2 capture and reinjection",
                "effective_personnel": 80,
                "is_central_function": False,
            },
            {
                "name": "Reykjanes power plant",
                "address": "Reykjanesvirkjun, 233 Reykjanesbær",
                "country": "IS",
                "activities": "Geothermal electricity generation",
                "effective_personnel": 60,
                "is_central_function": False,
            },
        ],
    ),
    (
        NORDIC,
        {
            "legal_name": "Austfirðir Aluminium hf.",
            "short_name": "Austfirðir Aluminium",
            "kind": Client.Kind.BOTH,
            "country": "IS",
            "registration_number": "520903-3310",
            "address": "Hrauni 1\n730 Reyðarfjörður\nIceland",
            "contact_name": "Jóhann Guðmundsson",
            "contact_email": "johann@austfirdir-aluminium.example",
            "contact_phone": "+354 555 0730",
            "effective_personnel": 540,
        },
        [("ghg", "9")],
        [
            {
                "name": "Reyðarfjörður smelter",
                "address": "Hrauni 1, 730 Reyðarfjörður",
                "country": "IS",
                "activities": "Primary aluminium smelting (potlines, casthouse, carbon plant)",
                "effective_personnel": 540,
                "is_central_function": True,
            },
        ],
    ),
    (
        NORDIC,
        {
            "legal_name": "Latvijas Meža Oglekļa Projekti SIA",
            "short_name": "LMOP",
            "kind": Client.Kind.PROPONENT,
            "country": "LV",
            "registration_number": "40203411876",
            "address": "Brīvības iela 91\nLV-1001 Rīga\nLatvia",
            "contact_name": "Ilze Bērziņa",
            "contact_email": "ilze@lmop.example",
            "effective_personnel": 12,
        },
        [("ghg", "14")],
        [],
    ),
    (
        NORDIC,
        {
            "legal_name": "Kolefnisráðgjöf ehf.",
            "short_name": "Kolefnisráðgjöf",
            "kind": Client.Kind.ORGANISATION,
            "country": "IS",
            "registration_number": "470316-0840",
            "address": "Laugavegur 170\n105 Reykjavík\nIceland",
            "contact_name": "Hrafn Einarsson",
            "contact_email": "hrafn@kolefnisradgjof.example",
            "effective_personnel": 9,
            "notes": "Carbon consultancy; consultant on the Vidzeme afforestation project.",
        },
        [],
        [],
    ),
    (
        BALTIC,
        {
            "legal_name": "Saaremaa Kalatööstus AS",
            "short_name": "Saaremaa Kala",
            "kind": Client.Kind.ORGANISATION,
            "country": "EE",
            "registration_number": "10458712",
            "address": "Sadama 9\n93813 Kuressaare\nEstonia",
            "contact_name": "Tiina Mets",
            "contact_email": "tiina@saaremaa-kala.example",
            "contact_phone": "+372 555 0190",
            "effective_personnel": 210,
        },
        [("iaf", "1"), ("iaf", "3")],
        [
            {
                "name": "Kuressaare processing plant",
                "address": "Sadama 9, 93813 Kuressaare",
                "country": "EE",
                "activities": "Management, fish processing and freezing",
                "effective_personnel": 150,
                "is_central_function": True,
            },
            {
                "name": "Roomassaare harbour",
                "address": "Roomassaare, 93815 Kuressaare",
                "country": "EE",
                "activities": "Landing and fleet maintenance (six trawlers)",
                "effective_personnel": 60,
                "is_central_function": False,
            },
        ],
    ),
    (
        BALTIC,
        {
            "legal_name": "Kauno Aliuminio Profiliai UAB",
            "short_name": "KAP",
            "kind": Client.Kind.ORGANISATION,
            "country": "LT",
            "registration_number": "302498765",
            "address": "Pramonės pr. 16\nLT-51327 Kaunas\nLithuania",
            "contact_name": "Tomas Kazlauskas",
            "contact_email": "tomas@kap.example",
            "effective_personnel": 320,
        },
        [("iaf", "17")],
        [
            {
                "name": "Kaunas extrusion plant",
                "address": "Pramonės pr. 16, LT-51327 Kaunas",
                "country": "LT",
                "activities": "Aluminium extrusion, anodising and powder coating",
                "effective_personnel": 320,
                "is_central_function": True,
            },
        ],
    ),
]


def _years(day: date, years: int) -> date:
    return day.replace(year=day.year + years, day=min(day.day, 28))


def load(context: DemoContext) -> None:
    today = context.today
    made: dict[str, Client] = {}
    for (body_name, admin_email), fields, sectors, sites in CLIENTS:
        body = Body.objects.get(legal_name=body_name)
        admin = User.objects.get(email=admin_email)
        client = clients.client_create(
            body=body,
            actor=admin,
            fields=fields,
            sectors=[
                Sector.objects.get(scheme=scheme, code=code, is_current=True) for scheme, code in sectors
            ],
        )
        for site in sites:
            clients.site_create(client=client, actor=admin, fields=site)
        made[fields["legal_name"]] = client

    nordic = Body.objects.get(legal_name=NORDIC[0])
    nordic_admin = User.objects.get(email=NORDIC[1])
    start = date(today.year - 1, 1, 1)
    clients.project_create(
        body=nordic,
        actor=nordic_admin,
        fields={
            "registry_project_id": "ICR-P-2024-0017",
            "registry_number": "ICR-00017",
            "name": "Svartsengi CO2 capture and mineral storage",
            "methodology": "ICR-M-CCS-001 Geological storage of CO2 by mineralisation",
            "sector": Sector.objects.get(scheme="ghg", code="16", is_current=True),
            "country": "IS",
            "proponent": made["Reykjanes Geothermal Power hf."],
            "crediting_period_start": start,
            "crediting_period_end": _years(start, 10) - timedelta(days=1),
            "monitoring_period_start": start,
            "monitoring_period_end": date(today.year - 1, 12, 31),
        },
    )
    clients.project_create(
        body=nordic,
        actor=nordic_admin,
        fields={
            "registry_project_id": "ICR-P-2025-0042",
            "registry_number": "ICR-00042",
            "name": "Vidzeme afforestation of former farmland",
            "methodology": "ICR-M-ARR-002 Afforestation and reforestation",
            "sector": Sector.objects.get(scheme="ghg", code="14", is_current=True),
            "country": "LV",
            "proponent": made["Latvijas Meža Oglekļa Projekti SIA"],
            "consultant_client": made["Kolefnisráðgjöf ehf."],
            "crediting_period_start": date(today.year, 1, 1),
            "crediting_period_end": date(today.year + 29, 12, 31),
        },
    )
    clients.project_create(
        body=nordic,
        actor=nordic_admin,
        fields={
            "registry_number": "ICR-00051",
            "name": "Reyðarfjörður smelter anode-effect reduction",
            "methodology": "ICR-M-PFC-001 PFC emission reduction in primary aluminium",
            "sector": Sector.objects.get(scheme="ghg", code="9", is_current=True),
            "country": "IS",
            "proponent": made["Austfirðir Aluminium hf."],
            "consultant_name": "Nordurál Engineering Services",
            "crediting_period_start": date(today.year, 1, 1),
            "crediting_period_end": date(today.year + 9, 12, 31),
        },
    )
    _client_users(made)


#: a person at a client with access to its client view (active), and one invited who has not answered yet
CLIENT_USER = ("bryndis@reykjanes-power.example", "Bryndís Ólafsdóttir", "Reykjanes Geothermal Power hf.")
PENDING_INVITATION = ("johann@austfirdir-aluminium.example", "Jóhann Guðmundsson", "Austfirðir Aluminium hf.")


def _client_users(made: dict[str, Client]) -> None:
    nordic_admin = User.objects.get(email=NORDIC[1])
    email, name, client_name = CLIENT_USER
    invitation = clients.client_user_invite(
        client=made[client_name], actor=nordic_admin, email=email, full_name=name
    )
    clients.client_user_accept(token=invitation.sent_token, user=demo_user(email, name))
    email, name, client_name = PENDING_INVITATION
    clients.client_user_invite(client=made[client_name], actor=nordic_admin, email=email, full_name=name)


def logins() -> list[tuple[str, str]]:
    return [(CLIENT_USER[0], f"client user of {CLIENT_USER[2]} (the client view, no body)")]


register(Contributor(key="clients", order=30, load=load, logins=logins))
