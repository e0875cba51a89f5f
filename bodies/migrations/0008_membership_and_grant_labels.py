"""The back office reads these models by English names, singular and plural (issue 7 §4)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("bodies", "0007_accreditation_body_from_list"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="bodygroupobjectpermission",
            options={
                "verbose_name": "group's permission on a body",
                "verbose_name_plural": "groups' permissions on bodies",
            },
        ),
        migrations.AlterModelOptions(
            name="bodyuserobjectpermission",
            options={
                "verbose_name": "person's permission on a body",
                "verbose_name_plural": "people's permissions on bodies",
            },
        ),
        migrations.AlterModelOptions(
            name="membership",
            options={
                "ordering": ["body__legal_name"],
                "verbose_name": "membership",
                "verbose_name_plural": "memberships",
            },
        ),
    ]
