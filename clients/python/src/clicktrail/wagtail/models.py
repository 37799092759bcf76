"""The affiliate link snippet: the CMS's copy of a Clicktrail link, which it keeps in sync."""

from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel

from .forms import AffiliateLinkForm
from .panels import ClickStatsPanel

# The service's slug rule, checked here too so an editor sees it before any call is made.
SLUG_RULE = RegexValidator(r"^[a-z0-9][a-z0-9_-]{0,62}$", "Lower-case letters, digits, - and _; at most 63; not starting with - or _.")


class AffiliateLink(models.Model):
    slug = models.CharField(max_length=63, unique=True, validators=[SLUG_RULE], help_text="The link is /go/<slug> on Clicktrail.")
    name = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2048, help_text="Where visitors are sent.")
    tags = models.CharField(max_length=500, blank=True, help_text="Comma-separated, for filtering in Clicktrail.")
    active = models.BooleanField(default=True, help_text="An inactive link answers 404 and counts nothing.")

    base_form_class = AffiliateLinkForm
    panels = [FieldPanel("slug"), FieldPanel("name"), FieldPanel("url"), FieldPanel("tags"), FieldPanel("active"), ClickStatsPanel()]

    class Meta:
        ordering = ["slug"]
        verbose_name = "affiliate link"

    def __str__(self) -> str:
        return self.name or self.slug

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    def clicktrail_fields(self) -> dict:
        """The link as the service's PUT takes it."""
        return {"url": self.url, "name": self.name or None, "tags": self.tag_list, "active": self.active}
