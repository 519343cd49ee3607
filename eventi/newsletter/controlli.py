"""System checks of the newsletter (run by `manage.py check --deploy`)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_https(app_configs=None, **kwargs) -> list[Warning]:
    """In production the links of every mail (List-Unsubscribe above all: RFC 8058 one-click needs an
    https URI) are built on SITE_URL, so it must be https when DEBUG is off."""
    if settings.DEBUG or urlsplit(settings.SITE_URL).scheme == "https":
        return []
    return [
        Warning(
            f"SITE_URL ({settings.SITE_URL}) is not https while DEBUG is off.",
            hint="Set SITE_URL=https://<the portal's host>: the List-Unsubscribe header and every link "
            "in the e-mails are built on it, and one-click unsubscribe (RFC 8058) requires https.",
            id="newsletter.W001",
        )
    ]
