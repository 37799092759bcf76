from django.apps import AppConfig


class ClicktrailConfig(AppConfig):
    name = "clicktrail.django"
    # "django" would clash with Django's own labels; templates load the tag library `clicktrail`.
    label = "clicktrail"
    verbose_name = "Clicktrail"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects user_logged_in)
