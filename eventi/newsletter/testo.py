"""The issue's body: Markdown written by staff (HTML allowed, for the issues written before), turned into
sanitised HTML. The same function feeds the editor's preview, the e-mail and the archive, so the preview
is what is sent.

Images are allowed only when they are the portal's own (uploaded by staff through the issue's page,
re-encoded by core.immagini and served under MEDIA_URL); any other <img> is dropped, so a message never
loads a tracking pixel or a picture from elsewhere.
"""

from __future__ import annotations

import re

import nh3
from django.conf import settings
from markdown_it import MarkdownIt

from alternanza.core.testo import ATTRIBUTI_CONSENTITI, SCHEMI_URL, TAG_CONSENTITI

# An issue is a document of its own: sections at <h2>, rules, images of the portal.
TAG_NUMERO = frozenset(TAG_CONSENTITI | {"h2", "hr", "img"})
CARTELLA_IMMAGINI = "newsletter/immagini/"

_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


def prefisso_immagini() -> str:
    return settings.SITE_URL + settings.MEDIA_URL + CARTELLA_IMMAGINI


def _filtro(tag: str, attributo: str, valore: str) -> str | None:
    if tag == "img" and attributo == "src":
        # Relative to the portal (what the upload inserts) becomes absolute: mail clients need it.
        if valore.startswith(settings.MEDIA_URL + CARTELLA_IMMAGINI):
            valore = settings.SITE_URL + valore
        return valore if valore.startswith(prefisso_immagini()) else None
    return valore


def markdown_in_html(testo: str | None) -> str:
    if not testo:
        return ""
    html = _md.render(testo)
    attributi = {tag: set(nomi) for tag, nomi in ATTRIBUTI_CONSENTITI.items()}
    attributi["img"] = {"src", "alt", "width", "height"}
    pulito = nh3.clean(
        html,
        tags=set(TAG_NUMERO),
        attributes=attributi,
        url_schemes=set(SCHEMI_URL),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_filtro,
    )
    # An <img> whose src was refused is left without one: drop it.
    return _senza_img_vuote(pulito).strip()


def _senza_img_vuote(html: str) -> str:
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", html)
