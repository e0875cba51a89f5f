"""Baltic Management Systems Certification's engagements: management-system audits of every kind."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from accounts.models import User
from audits import services as audits
from audits.audit_time import audit_time
from audits.sampling import sample_size
from bodies.models import Body, Membership, Role
from clients import services as clients
from clients.models import Client
from reference.models import Activity, Standard

from .steps import (
    BALTIC,
    BALTIC_ADMIN,
    assign,
    attempt,
    cleared,
    draft_engagement,
    held,
    member,
    new_client,
    sector,
    walk,
)


def load_baltic(today: date) -> None:
    """The management-system body's audits, by its administrator and Kadri Kask (its lead auditor)."""
    body = Body.objects.filter(legal_name=BALTIC).first()
    admin = User.objects.filter(email=BALTIC_ADMIN).first()
    if body is None or admin is None:
        return
    kadri = member("kadri@baltic-certification.example", body)
    kap = Client.objects.filter(body=body, legal_name="Kauno Aliuminio Profiliai UAB").first()
    if kadri is None or kap is None:
        return
    certification = Activity.objects.get(code="certification")
    iso_14001 = Standard.objects.get(code="iso-14001")
    base = {
        "client": kap,
        "activity": certification,
        "standard": iso_14001,
        "sector": sector("iaf", "17"),
        "scope": "Extrusion, anodising and powder coating of aluminium profiles",
    }
    attempt(cleared, kadri, admin, client=kap)
    # Peeter has no annual declaration (the impartiality part's example of one missing): not on these teams
    team = [(kadri, Role.LEAD_AUDITOR)]

    # stage 1, its report drafted; stage 2 planned, its team proposed
    stage_1 = draft_engagement(
        body,
        admin,
        {
            **base,
            "kind": "stage_1",
            "sites": list(kap.sites.all()),
            "mode": "remote",
            "planned_start": today - timedelta(days=30),
            "planned_end": today - timedelta(days=30),
        },
    )
    if stage_1 is not None:
        assign(stage_1, admin, team)
        walk(stage_1, admin, kadri.user, ["plan", "propose_team", "confirm_team", "start"])
        held(stage_1, admin, until=stage_1.planned_end)
        walk(stage_1, admin, kadri.user, ["draft_report"])
        stage_2 = draft_engagement(
            body,
            admin,
            {
                **base,
                "kind": "stage_2",
                "sites": list(kap.sites.all()),
                "previous_stage": stage_1,
                "planned_start": today + timedelta(days=15),
                "planned_end": today + timedelta(days=17),
            },
        )
        if stage_2 is not None:
            assign(stage_2, admin, team)
            walk(stage_2, admin, kadri.user, ["plan", "propose_team"])

    # a multi-site client's surveillance audit, with its sample and its audit time
    multi = attempt(
        clients.client_create,
        body=body,
        actor=admin,
        fields={
            "legal_name": "Baltijos Metalo Konstrukcijos UAB",
            "short_name": "BMK",
            "kind": Client.Kind.ORGANISATION,
            "country": "LT",
            "registration_number": "304112233",
            "address": "Savanorių pr. 180\nLT-03154 Vilnius\nLithuania",
            "contact_name": "Rasa Petrauskienė",
            "contact_email": "rasa@bmk.example",
            "effective_personnel": 240,
        },
        sectors=[sector("iaf", "17")],
    )
    if multi is None:
        return
    sites = [
        ("Vilnius head office and welding shop", "Savanorių pr. 180, LT-03154 Vilnius", 80, True),
        ("Kaunas fabrication plant", "Pramonės pr. 8, LT-51329 Kaunas", 50, False),
        ("Klaipėda fabrication plant", "Minijos g. 150, LT-93234 Klaipėda", 40, False),
        ("Šiauliai assembly plant", "Pramonės g. 11, LT-78136 Šiauliai", 30, False),
        ("Panevėžys assembly plant", "Tinklų g. 7, LT-35115 Panevėžys", 20, False),
        ("Alytus paint shop", "Pramonės g. 3, LT-62175 Alytus", 20, False),
    ]
    made = [
        attempt(
            clients.site_create,
            client=multi,
            actor=admin,
            fields={
                "name": name,
                "address": address,
                "country": "LT",
                "activities": "Steel structure fabrication",
                "effective_personnel": personnel,
                "is_central_function": central,
            },
        )
        for name, address, personnel, central in sites
    ]
    sample = sample_size(sites=len(sites) - 1, stage="surveillance")
    visited = [site for site in made if site is not None][: sample.total_sites]
    attempt(cleared, kadri, admin, client=multi)
    surveillance = draft_engagement(
        body,
        admin,
        {
            **base,
            "client": multi,
            "scope": "Fabrication, welding, assembly and painting of steel structures",
            "kind": "surveillance",
            "sites": visited,
            "planned_start": today + timedelta(days=10),
            "planned_end": today + timedelta(days=12),
        },
    )
    if surveillance is not None:
        time = attempt(
            audit_time,
            scheme="ems",
            stage="surveillance",
            effective_personnel=240,
            complexity="medium",
            on=today,
        )
        if time is not None:
            attempt(
                audits.engagement_set_audit_time,
                engagement=surveillance,
                actor=admin,
                calculation=time,
                sample=sample,
            )
        assign(surveillance, admin, [(kadri, Role.LEAD_AUDITOR)])
        walk(surveillance, admin, kadri.user, ["plan", "propose_team", "confirm_team"])
    _baltic_other_kinds(body, admin, kadri, {**base, "client": multi}, today)


def _baltic_other_kinds(
    body: Body, admin: User, kadri: Membership, multi: dict[str, Any], today: date
) -> None:
    """A recertification whose team (Kadri leading) overlaps the multi-site surveillance's by two days, a
    transfer audit planned and a special audit drafted, all within the ISO/IEC 17021-1 accreditation's dates."""
    heating = new_client(
        body,
        admin,
        {
            "legal_name": "Daugavas Siltumtīkli SIA",
            "short_name": "Daugavas Siltums",
            "kind": Client.Kind.ORGANISATION,
            "country": "LV",
            "registration_number": "40103556677",
            "address": "Krasta iela 52\nLV-1003 Rīga\nLatvia",
            "contact_name": "Ilze Bērziņa",
            "contact_email": "ilze@daugavas-siltums.example",
            "effective_personnel": 140,
        },
        sector("iaf", "25"),
        {
            "name": "Rīga heat plant and network control",
            "address": "Krasta iela 52, LV-1003 Rīga",
            "country": "LV",
            "effective_personnel": 140,
            "activities": "Heat generation and district-heating distribution",
        },
    )
    if heating is not None:
        attempt(cleared, kadri, admin, client=heating)
        recertification = draft_engagement(
            body,
            admin,
            {
                **multi,
                "client": heating,
                "kind": "recertification",
                "sector": sector("iaf", "25"),
                "scope": "Generation and distribution of heat for district heating in Rīga",
                "sites": list(heating.sites.all()),
                "planned_start": today + timedelta(days=11),
                "planned_end": today + timedelta(days=13),
            },
        )
        if recertification is not None:
            time = attempt(
                audit_time,
                scheme="ems",
                stage="recertification",
                effective_personnel=140,
                complexity="high",
                on=today,
            )
            if time is not None:
                attempt(
                    audits.engagement_set_audit_time,
                    engagement=recertification,
                    actor=admin,
                    calculation=time,
                )
            assign(recertification, admin, [(kadri, Role.LEAD_AUDITOR)])
            walk(recertification, admin, kadri.user, ["plan", "propose_team", "confirm_team"])

    # a client moving its certificate from another accredited body (IAF MD 2), its transfer audit planned
    foundry = new_client(
        body,
        admin,
        {
            "legal_name": "Harju Metallivalu AS",
            "short_name": "Harju Valu",
            "kind": Client.Kind.ORGANISATION,
            "country": "EE",
            "registration_number": "10987654",
            "address": "Betooni 14\n11415 Tallinn\nEstonia",
            "contact_name": "Andres Kuusk",
            "contact_email": "andres@harju-valu.example",
            "effective_personnel": 85,
        },
        sector("iaf", "17"),
        {
            "name": "Tallinn foundry",
            "address": "Betooni 14, 11415 Tallinn",
            "country": "EE",
            "effective_personnel": 85,
            "activities": "Grey and ductile iron casting, machining",
        },
    )
    if foundry is not None:
        transfer = draft_engagement(
            body,
            admin,
            {
                **multi,
                "client": foundry,
                "kind": "transfer",
                "scope": "Casting and machining of grey and ductile iron parts",
                "sites": list(foundry.sites.all()),
                "planned_start": today + timedelta(days=19),
                "planned_end": today + timedelta(days=19),
            },
        )
        if transfer is not None:
            walk(transfer, admin, None, ["plan"])

    # the multi-site client asks to add hot-dip galvanising to its scope: a special audit, still a draft
    draft_engagement(
        body,
        admin,
        {
            **multi,
            "kind": "special",
            "scope": "Extension of the scope to hot-dip galvanising of steel structures at the Kaunas plant",
            "planned_start": today + timedelta(days=22),
            "planned_end": today + timedelta(days=22),
        },
    )
