"""schema.org structured data (JSON-LD) in a page: the one way a <script type="application/ld+json">
block is written, whatever app builds the data (eventi.schema, alternanza.progetti.schema)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_ESCAPE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script_jsonld(dati: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> block; <, > and & escaped so the data can't close the tag."""
    testo = json.dumps(dati, ensure_ascii=False).translate(_ESCAPE)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(testo))  # noqa: S308 - <, > and & escaped  # nosec
