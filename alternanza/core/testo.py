"""Rich text written by staff and contributors: one nh3 allow-list, and its plain-text forms.

Stored rich text is sanitised on save and again on output (what is in the database is never
trusted). The allow-list is formatting only: no scripts, no on* handlers, no style, no images, no
javascript: or data: URLs; links get rel="noopener noreferrer nofollow".
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Collection

import nh3
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

TAG_CONSENTITI = frozenset(
    {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
)
ATTRIBUTI_CONSENTITI = {"a": frozenset({"href", "title", "hreflang"})}
SCHEMI_URL = frozenset({"http", "https", "mailto"})


def pulisci_html(testo: str | None, *, tag_in_piu: Collection[str] = ()) -> str:
    """The text reduced to the allow-list, plus `tag_in_piu` for a document that needs them."""
    if not testo:
        return ""
    return nh3.clean(
        testo,
        tags=set(TAG_CONSENTITI) | set(tag_in_piu),
        attributes={tag: set(nomi) for tag, nomi in ATTRIBUTI_CONSENTITI.items()},
        url_schemes=set(SCHEMI_URL),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_sicuro(testo: str | None) -> SafeString:
    """Sanitised HTML ready for a template."""
    return mark_safe(pulisci_html(testo))  # noqa: S308 - just sanitised by nh3  # nosec


def testo_semplice(testo: str | None, limite: int | None = None) -> str:
    """The rich text as one line of plain text (feeds, meta descriptions, iCalendar), cut at `limite`."""
    # A space where a block ends, so that paragraphs do not run together ("di Loiano.Porta con te").
    html = re.sub(r"</(p|li|h[1-6]|blockquote|div|ul|ol)>|<br\s*/?>", " ", pulisci_html(testo))
    semplice = " ".join(strip_tags(html).split())
    if limite and len(semplice) > limite:
        return semplice[: limite - 1].rstrip() + "…"
    return semplice


def html_in_testo(html: str) -> str:
    """The plain-text body of an e-mail from sanitised rich text (paragraphs, lists and links kept)."""
    testo = re.sub(
        r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', lambda m: f"{m.group(2)} ({m.group(1)})", html, flags=re.S
    )
    testo = re.sub(r"<li[^>]*>", "- ", testo)
    testo = re.sub(r"<br\s*/?>", "\n", testo)
    testo = re.sub(r"</(p|li|h[1-6]|blockquote|ul|ol)>|<hr\s*/?>", "\n\n", testo)
    testo = html_lib.unescape(nh3.clean(testo, tags=set()))
    testo = re.sub(r"[ \t]+\n", "\n", testo)
    return re.sub(r"\n{3,}", "\n\n", testo).strip()
