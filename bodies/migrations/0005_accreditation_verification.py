"""Accreditations become evidence: the accreditation body is chosen from the registry's list (its IAF MLA
status is derived from that list, no longer ticked by the body), the certificate is attached, and registry
staff verify each accreditation before it counts.

Existing accreditations name their accreditation body by text: each is matched to the list by name or acronym
(case-insensitive; "UKAS – United Kingdom Accreditation Service" matches UKAS) or, when none matches, a new
entry with that name is added for registry staff to complete. They were accepted under the old rules, so they
are marked verified: what counts today keeps counting.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0004_body_name_index"),
        ("reference", "0004_load_accreditation_bodies"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accreditation",
            name="accreditation_body_ref",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="reference.accreditationbody",
            ),
        ),
        migrations.AddField(
            model_name="accreditation",
            name="certificate",
            field=models.FileField(
                blank=True,
                help_text="the certificate issued by the accreditation body (PDF)",
                upload_to="accreditations/",
                verbose_name="accreditation certificate",
            ),
        ),
        migrations.AddField(
            model_name="accreditation",
            name="verification",
            field=models.CharField(
                choices=[
                    ("pending", "Pending verification"),
                    ("verified", "Verified"),
                    ("refused", "Refused"),
                ],
                default="pending",
                max_length=20,
                verbose_name="verification",
            ),
        ),
        migrations.AddField(
            model_name="accreditation",
            name="verification_reason",
            field=models.TextField(blank=True, verbose_name="reason given by the registry"),
        ),
        migrations.AddField(
            model_name="accreditation",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="verified or refused at"),
        ),
        migrations.AddField(
            model_name="accreditation",
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="verified or refused by",
            ),
        ),
    ]
