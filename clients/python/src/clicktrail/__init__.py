"""Clicktrail's Python client: links, stats, leads and JSON-RPC ingest over one connection pool."""

from .client import Clicktrail
from .errors import ClicktrailError
from .models import Lead, Link

__all__ = ["Clicktrail", "ClicktrailError", "Lead", "Link"]
__version__ = "0.1.0"
