"""The back office reads these models by English names, singular and plural (issue 7 §4)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_auditevent_created_index"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditchainhead",
            options={
                "verbose_name": "audit trail hash chain",
                "verbose_name_plural": "audit trail hash chains",
            },
        ),
    ]
