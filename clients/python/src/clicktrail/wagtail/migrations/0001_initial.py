import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AffiliateLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slug", models.CharField(help_text="The link is /go/<slug> on Clicktrail.", max_length=63, unique=True, validators=[django.core.validators.RegexValidator("^[a-z0-9][a-z0-9_-]{0,62}$", "Lower-case letters, digits, - and _; at most 63; not starting with - or _.")])),
                ("name", models.CharField(blank=True, max_length=200)),
                ("url", models.URLField(help_text="Where visitors are sent.", max_length=2048)),
                ("tags", models.CharField(blank=True, help_text="Comma-separated, for filtering in Clicktrail.", max_length=500)),
                ("active", models.BooleanField(default=True, help_text="An inactive link answers 404 and counts nothing.")),
            ],
            options={"ordering": ["slug"], "verbose_name": "affiliate link"},
        ),
    ]
