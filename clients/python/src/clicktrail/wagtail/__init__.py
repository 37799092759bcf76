"""Clicktrail for Wagtail: an affiliate link snippet kept in sync with the service.
Add ``"clicktrail.wagtail"`` (after ``"clicktrail.django"``) to INSTALLED_APPS."""
