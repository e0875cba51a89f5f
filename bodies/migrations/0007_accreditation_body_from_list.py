"""The accreditation body becomes the registry's list entry; the ticked IAF MLA flag goes (derived now)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bodies", "0006_link_existing_accreditations")]

    operations = [
        migrations.RemoveField(model_name="accreditation", name="accreditation_body"),
        migrations.RemoveField(model_name="accreditation", name="accreditation_body_iaf_mla"),
        migrations.RenameField(
            model_name="accreditation", old_name="accreditation_body_ref", new_name="accreditation_body"
        ),
        migrations.AlterField(
            model_name="accreditation",
            name="accreditation_body",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="accreditations",
                to="reference.accreditationbody",
                verbose_name="accreditation body",
            ),
        ),
        migrations.AddConstraint(
            model_name="accreditation",
            constraint=models.CheckConstraint(
                condition=models.Q(("verification__in", ["pending", "verified", "refused"])),
                name="accreditation_verification_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="accreditation",
            index=models.Index(fields=["verification", "updated_at"], name="accreditation_verification"),
        ),
    ]
