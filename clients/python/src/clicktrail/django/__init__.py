"""Clicktrail for Django: page views, lead sources and consent reported from the site, and a
template tag for ``/go/`` URLs. Add ``"clicktrail.django"`` to INSTALLED_APPS."""

from .conf import user_subject

__all__ = ["user_subject"]
