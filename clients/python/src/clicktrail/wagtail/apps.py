from django.apps import AppConfig


class ClicktrailWagtailConfig(AppConfig):
    name = "clicktrail.wagtail"
    label = "clicktrail_wagtail"
    verbose_name = "Clicktrail links"
    default_auto_field = "django.db.models.BigAutoField"
