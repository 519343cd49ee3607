"""`{% immagine_responsiva campo alt %}`: a public image as `<picture>` with its WebP variants
(alternanza.core.varianti) in a `<source srcset sizes>`, and the stored JPEG/PNG as the `<img>` fallback
with its width and height (no layout shift). Below the fold by default (`loading="lazy"`); `in_alto=True`
for the page's main image (`fetchpriority="high"`, not lazy). `{% precarica_immagine campo sizes %}` is
the matching `<link rel="preload">` for a hero image, with `imagesrcset` so the browser fetches the one
variant the `<picture>` will use."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models.fields.files import ImageFieldFile
from django.utils.html import format_html

from alternanza.core.varianti import ImmagineResponsiva, srcset

register = template.Library()


def _dimensioni(file: ImageFieldFile) -> tuple[int, int]:
    campo = file.field
    if not isinstance(campo, ImmagineResponsiva):
        return 0, 0
    return (
        getattr(file.instance, campo.width_field, 0) or 0,
        getattr(file.instance, campo.height_field, 0) or 0,
    )


@register.inclusion_tag("core/immagine.html")
def immagine_responsiva(
    file: ImageFieldFile, alt: str, sizes: str = "100vw", classe: str = "", in_alto: bool = False
) -> dict[str, Any]:
    larghezza, altezza = _dimensioni(file)
    return {
        "url": file.url,
        "srcset": srcset(file, larghezza),
        "sizes": sizes,
        "larghezza": larghezza,
        "altezza": altezza,
        "alt": alt,
        "classe": classe,
        "in_alto": in_alto,
    }


@register.simple_tag
def precarica_immagine(file: ImageFieldFile, sizes: str = "100vw") -> str:
    larghezza, _altezza = _dimensioni(file)
    varianti = srcset(file, larghezza)
    if not varianti:
        return format_html('<link rel="preload" as="image" href="{}" fetchpriority="high">', file.url)
    return format_html(
        '<link rel="preload" as="image" type="image/webp" imagesrcset="{}" imagesizes="{}" '
        'fetchpriority="high">',
        varianti,
        sizes,
    )
