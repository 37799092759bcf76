"""The edit view's panel with the link's last 30 days, read from the stats API."""

from datetime import datetime, timedelta, timezone

from wagtail.admin.panels import Panel

from ..django.conf import client
from ..errors import ClicktrailError

DAYS = 30


class ClickStatsPanel(Panel):
    def __init__(self, **kwargs):
        kwargs.setdefault("heading", f"Clicks, last {DAYS} days")
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "clicktrail_wagtail/click_stats_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            try:
                stats = client().stats.link(self.instance.slug, start=datetime.now(timezone.utc) - timedelta(days=DAYS))
                context["totals"] = stats["totals"]
            except ClicktrailError as error:
                context["error"] = error
            context["go_url"] = client().go_url(self.instance.slug)
            return context
