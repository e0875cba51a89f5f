"""The back office reads these models by English names, singular and plural (issue 7 §4)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_email_confirmed"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="apitokenuserobjectpermission",
            options={
                "verbose_name": "person admitted to an API token",
                "verbose_name_plural": "people admitted to API tokens",
            },
        ),
    ]
