"""Existing accreditations: their accreditation body's text matched to the registry's list (or added to it),
and marked verified (see 0005)."""

from django.db import migrations
from django.utils import timezone


def _match(AccreditationBody, text):
    text = " ".join((text or "").split()) or "Unknown accreditation body"
    for candidate in AccreditationBody.objects.all():
        forms = {candidate.name.lower()}
        if candidate.acronym:
            acronym = candidate.acronym.lower()
            forms |= {
                acronym,
                f"{acronym} – {candidate.name.lower()}",
                f"{acronym} - {candidate.name.lower()}",
            }
        lowered = text.lower()
        if lowered in forms or (candidate.acronym and lowered.split(" ")[0] == candidate.acronym.lower()):
            return candidate
    found = AccreditationBody.objects.filter(name__iexact=text[:200]).first()
    return found or AccreditationBody.objects.create(name=text[:200])


def link_accreditation_bodies(apps, schema_editor):
    Accreditation = apps.get_model("bodies", "Accreditation")
    AccreditationBody = apps.get_model("reference", "AccreditationBody")
    now = timezone.now()
    for accreditation in Accreditation.objects.all().iterator():
        accreditation.accreditation_body_ref = _match(AccreditationBody, accreditation.accreditation_body)
        accreditation.verification = "verified"
        accreditation.verified_at = now
        accreditation.save(update_fields=["accreditation_body_ref", "verification", "verified_at"])


class Migration(migrations.Migration):
    dependencies = [("bodies", "0005_accreditation_verification")]
    operations = [migrations.RunPython(link_accreditation_bodies, migrations.RunPython.noop)]
