"""WebP variants of the public images (editions, events, news, project photos) for `<picture srcset>`.

Next to a stored image ``cartella/nome.jpg`` (already re-encoded by alternanza.core.immagini) live
``cartella/nome-480.webp`` and ``cartella/nome-960.webp`` (only the widths smaller than the image) and
``cartella/nome-<W>.webp`` at the image's own width W, in the same public storage. Invariants:

- a row whose ``ImmagineResponsiva`` has a stored width (> 0) has all its variants: they are written by
  the same save that stores the file, and the migrations that introduced the field wrote them for the
  images stored before (``manage.py varianti_immagini`` writes any that are missing, e.g. after media
  are restored from a backup);
- variants go with their image: when the row is deleted or its image replaced, the old file and its
  variants are deleted after the commit, unless another row of the same model still uses that file
  (the demo data shares a few images among many events);
- loading a row never opens its file (Django's ImageField reads the dimensions of a row that has none
  on every load; with a missing file every page listing that row would then fail).

Pillow in this step rather than a thumbnail library: the variants are few and fixed, their names must be
known without a lookup so that a cached page needs no query or storage call to write the srcset, and
they must be deleted with their image — which none of django-imagekit, easy-thumbnails or
sorl-thumbnail does by itself.
"""

from __future__ import annotations

import io
import os
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.signals import post_delete, post_init, post_save
from PIL import Image

LARGHEZZE = (480, 960)
QUALITA_WEBP = 80


def larghezze_varianti(larghezza: int) -> list[int]:
    """The widths of the variants of an image `larghezza` pixels wide, smallest first."""
    if larghezza <= 0:
        return []
    return [w for w in LARGHEZZE if w < larghezza] + [larghezza]


def nome_variante(nome: str, larghezza: int) -> str:
    return f"{os.path.splitext(nome)[0]}-{larghezza}.webp"


def crea_varianti(storage: Storage, nome: str) -> tuple[int, int]:
    """Write (or rewrite) the WebP variants of the stored image `nome`; return its (width, height)."""
    with storage.open(nome, "rb") as file, Image.open(file) as immagine:
        immagine.load()
        larghezza, altezza = immagine.size
        modo = "RGBA" if immagine.mode in ("RGBA", "LA", "P") else "RGB"
        sorgente = immagine.convert(modo)
    for w in larghezze_varianti(larghezza):
        ridotta = sorgente if w == larghezza else sorgente.resize((w, max(1, round(altezza * w / larghezza))))
        buffer = io.BytesIO()
        ridotta.save(buffer, "WEBP", quality=QUALITA_WEBP, method=4)
        variante = nome_variante(nome, w)
        storage.delete(variante)  # a leftover of an older file with the same name is replaced, not kept
        salvato = storage.save(variante, ContentFile(buffer.getvalue()))
        if salvato != variante:
            storage.delete(salvato)
            raise RuntimeError(f"variant {variante!r} was stored as {salvato!r}")
    return larghezza, altezza


def elimina_con_varianti(storage: Storage, nome: str, larghezza: int) -> None:
    """Delete the stored image `nome` and every variant it may have (a missing one is no error)."""
    for w in sorted({*LARGHEZZE, *larghezze_varianti(larghezza)}):
        storage.delete(nome_variante(nome, w))
    storage.delete(nome)


def srcset(file: models.fields.files.FieldFile, larghezza: int) -> str:
    """The `srcset` of the WebP variants of `file`, an image `larghezza` pixels wide."""
    return ", ".join(
        f"{file.storage.url(nome_variante(file.name or '', w))} {w}w" for w in larghezze_varianti(larghezza)
    )


class ImmagineResponsiva(models.ImageField):
    """A public ImageField with WebP width variants (see the module's invariants).

    ``width_field`` and ``height_field`` are required and must be declared after this field (their values
    are read for the INSERT/UPDATE after this field's ``pre_save`` has set them).
    """

    width_field: str  # set by ImageField.__init__ (not in django-stubs)
    height_field: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not (self.width_field and self.height_field):
            raise TypeError("ImmagineResponsiva needs width_field and height_field")

    def contribute_to_class(self, cls: type[models.Model], name: str, **kwargs: Any) -> None:  # type: ignore[override]  # django-stubs: Field and FileField disagree
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            uid = f"varianti-{cls._meta.label}-{name}"
            post_init.connect(self._ricorda, sender=cls, dispatch_uid=uid)
            post_save.connect(self._dopo_salvataggio, sender=cls, dispatch_uid=uid)
            post_delete.connect(self._dopo_eliminazione, sender=cls, dispatch_uid=uid)

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        # Django reads the file's size when a row is loaded or refreshed without dimensions; here they are
        # written only by pre_save, with the variants (see the module's invariants).
        return

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        nuovo = bool(file) and not file._committed
        file = super().pre_save(model_instance, add)
        if nuovo:
            larghezza, altezza = crea_varianti(file.storage, file.name)
            setattr(model_instance, self.width_field, larghezza)
            setattr(model_instance, self.height_field, altezza)
        elif not file:
            setattr(model_instance, self.width_field, 0)
            setattr(model_instance, self.height_field, 0)
        return file

    def _chiave(self) -> str:
        return f"_varianti_{self.attname}"

    def _ricorda(self, sender, instance, **kwargs) -> None:
        # Read from __dict__ (a deferred field is absent: then nothing is known and nothing is deleted).
        valore = instance.__dict__.get(self.attname)
        nome = getattr(valore, "name", valore)
        if isinstance(nome, str) and nome:
            instance.__dict__[self._chiave()] = (nome, instance.__dict__.get(self.width_field) or 0)

    def _dopo_salvataggio(self, sender, instance, raw=False, **kwargs) -> None:
        prima = instance.__dict__.pop(self._chiave(), None)
        if prima and prima[0] != getattr(instance, self.attname).name:
            self._elimina_dopo_commit(sender, *prima)
        self._ricorda(sender, instance)

    def _dopo_eliminazione(self, sender, instance, **kwargs) -> None:
        file = instance.__dict__.get(self.attname)
        nome = getattr(file, "name", file)
        if isinstance(nome, str) and nome:
            self._elimina_dopo_commit(sender, nome, instance.__dict__.get(self.width_field) or 0)

    def _elimina_dopo_commit(self, modello: type[models.Model], nome: str, larghezza: int) -> None:
        storage = self.storage

        def elimina() -> None:
            if not modello._base_manager.filter(**{self.attname: nome}).exists():
                elimina_con_varianti(storage, nome, larghezza)

        transaction.on_commit(elimina)


def completa_varianti(modello: type[models.Model], nome_campo: str = "immagine") -> int:
    """Write the variants and store the dimensions of every image of `modello` that lacks them: a row with
    no stored width, or whose full-width variant is missing (e.g. media restored from an older backup).
    Takes historical models too (the migrations call it). Returns how many files got variants; a missing
    or unreadable file is left as it is (its page then shows the plain image, without width or variants).
    """
    campo = modello._meta.get_field(nome_campo)
    assert isinstance(campo, ImmagineResponsiva)
    storage = campo.storage
    fatti: dict[str, tuple[int, int] | None] = {}
    righe = modello._base_manager.exclude(**{nome_campo: ""}).values_list("pk", nome_campo, campo.width_field)
    for pk, nome, larghezza in righe.iterator():
        if larghezza and storage.exists(nome_variante(nome, larghezza)):
            continue
        if nome not in fatti:
            try:
                fatti[nome] = crea_varianti(storage, nome)
            except OSError:  # a missing file, or one Pillow cannot read (UnidentifiedImageError)
                fatti[nome] = None
        dimensioni = fatti[nome]
        if dimensioni is not None:
            modello._base_manager.filter(pk=pk).update(
                **{campo.width_field: dimensioni[0], campo.height_field: dimensioni[1]}
            )
    return sum(1 for v in fatti.values() if v is not None)


def completa_tutte() -> int:
    """completa_varianti for every ImmagineResponsiva of every installed model; returns the files done."""
    return sum(
        completa_varianti(modello, campo.name)
        for modello in apps.get_models()
        for campo in modello._meta.get_fields()
        if isinstance(campo, ImmagineResponsiva)
    )
