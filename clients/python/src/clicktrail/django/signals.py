"""First-touch lead sources follow the visitor when they sign in."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .conf import settings, user_subject
from .sender import sender as background_sender


@receiver(user_logged_in, dispatch_uid="clicktrail.assign-leads")
def assign_visitor_leads(sender, request=None, user=None, **kwargs) -> None:
    if request is None or user is None:
        return
    visitor = request.COOKIES.get(settings().visitor_cookie)
    if visitor:
        background_sender().submit("leads.assign", {"from": visitor, "to": user_subject(user)})
