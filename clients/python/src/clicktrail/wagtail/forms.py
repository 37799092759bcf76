"""Saving the snippet saves the link in Clicktrail first; a refusal is shown on the form."""

from wagtail.admin.forms import WagtailAdminModelForm

from ..django.conf import client
from ..errors import ClicktrailError


class AffiliateLinkForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        link = self.instance
        previous_slug = type(link).objects.filter(pk=link.pk).values_list("slug", flat=True).first() if link.pk else None
        for name in ("slug", "name", "url", "tags", "active"):
            setattr(link, name, cleaned.get(name, getattr(link, name)))
        try:
            client().links.put(link.slug, **link.clicktrail_fields())
            if previous_slug and previous_slug != link.slug:
                # Renamed: the old /go/ URL stops working, as the editor asked.
                client().links.delete(previous_slug)
        except ClicktrailError as error:
            self._show(error)
        return cleaned

    def _show(self, error: ClicktrailError) -> None:
        if error.errors:
            for problem in error.errors:
                field = problem.get("field")
                self.add_error(field if field in self.fields else None, f"Clicktrail: {problem.get('message')}")
        else:
            self.add_error(None, f"Clicktrail did not take this link, so nothing was saved: {error}")
