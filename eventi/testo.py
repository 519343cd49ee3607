"""Rich text of events and news: a small allow-list of tags, sanitised with nh3 on save and on output."""

from __future__ import annotations

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

TAG_CONSENTITI = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
)
ATTRIBUTI_CONSENTITI = {"a": {"href", "title", "hreflang"}}
SCHEMI_URL = frozenset({"http", "https", "mailto"})


def pulisci_html(testo: str | None) -> str:
    """Keep only harmless formatting: no scripts, no on* handlers, no javascript: or data: URLs."""
    if not testo:
        return ""
    return nh3.clean(
        testo,
        tags=set(TAG_CONSENTITI),
        attributes={k: set(v) for k, v in ATTRIBUTI_CONSENTITI.items()},
        url_schemes=set(SCHEMI_URL),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_sicuro(testo: str | None) -> SafeString:
    """Sanitised HTML ready for a template (cleaned again on output: stored text is never trusted)."""
    return mark_safe(pulisci_html(testo))  # noqa: S308 - just sanitised by nh3  # nosec


def testo_semplice(testo: str | None, limite: int | None = None) -> str:
    """The rich text as plain text (feeds, meta descriptions, iCalendar)."""
    semplice = " ".join(strip_tags(pulisci_html(testo)).split())
    if limite and len(semplice) > limite:
        return semplice[: limite - 1].rstrip() + "…"
    return semplice
