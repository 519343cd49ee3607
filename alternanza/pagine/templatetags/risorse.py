"""The portal's built CSS and JavaScript (frontend/, `make assets`): `{% risorsa "portale.css" %}`
is the static URL of the file the last build wrote for that logical name, looked up in
static/build/manifest.json. The manifest is re-read when it changes, so a rebuild shows up without a
restart; a name missing from it is an error at render time (a template asking for a file no build makes)."""

from __future__ import annotations

import json
from pathlib import Path

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()

MANIFESTO = Path(settings.BASE_DIR) / "static" / "build" / "manifest.json"
_letto: dict[str, object] = {"mtime": None, "file": {}}


def file_costruiti() -> dict[str, str]:
    """Logical name → hashed file name of the last build (static/build/manifest.json)."""
    mtime = MANIFESTO.stat().st_mtime_ns
    if _letto["mtime"] != mtime:
        _letto["file"] = json.loads(MANIFESTO.read_text(encoding="utf-8"))["file"]
        _letto["mtime"] = mtime
    return _letto["file"]  # type: ignore[return-value]


@register.simple_tag
def risorsa(nome: str) -> str:
    try:
        costruito = file_costruiti()[nome]
    except KeyError:
        raise template.TemplateSyntaxError(
            f"{nome!r} is not in static/build/manifest.json: add it to frontend/build.mjs, run `make assets`"
        ) from None
    return static(f"build/{costruito}")
