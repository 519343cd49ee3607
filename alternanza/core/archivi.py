"""Where uploaded and generated files live, and the one way a private file leaves the portal.

Two storages, both chosen by settings (STORAGES): ``default`` holds the public media (photos of events and
projects, organisation logos — all re-encoded by alternanza.core.immagini), published by the web server
under MEDIA_URL; ``privato`` holds everything else (convenzioni, DVR extracts, training pacts, agreement
documents, project documents, report PDFs/XLSX). Invariants:

- a private file has a random name (``<cartella>/<uuid>.<ext>``, ``PercorsoCasuale``); the name the person
  uploaded is kept only in the database (``FilePrivato(campo_nome=...)``) for the download's
  Content-Disposition, so nothing about a document can be guessed from its storage name;
- the private storage has no public URL: a private file is sent only by a view that has checked the
  permissions first, through ``risposta_file``. That helper answers with nginx's internal redirect
  (``X-Accel-Redirect`` to an ``internal`` location, MEDIA_PRIVATI_X_ACCEL) when configured, with a
  short-lived signed URL on an S3-compatible object store, and streams the file itself otherwise
  (development).
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

ALIAS_PRIVATO = "privato"


class FileSystemPrivato(FileSystemStorage):
    """Local folder of the private files (MEDIA_PRIVATI_ROOT), outside MEDIA_ROOT and without a URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(getattr(self, "_location", None), settings.MEDIA_PRIVATI_ROOT)

    def url(self, name: str | None) -> str:
        """No URL: a private file is sent by a view through risposta_file. Empty, not an error, because
        Django's file widget asks for it (and then shows no link to the stored file)."""
        return ""


class _ArchivioPrivato(LazyObject):
    """STORAGES["privato"], looked up on first use (and again after a test changes STORAGES)."""

    def _setup(self) -> None:
        self._wrapped = storages[ALIAS_PRIVATO]


privato: Storage = _ArchivioPrivato()  # type: ignore[assignment]


def archivio_privato() -> Storage:
    """The `storage=` of every private FileField (a callable, so migrations name it, not a backend)."""
    return privato


@receiver(setting_changed)
def _azzera(*, setting: str, **kwargs: Any) -> None:
    if setting in ("STORAGES", "MEDIA_PRIVATI_ROOT"):
        privato._wrapped = empty  # type: ignore[attr-defined]


@deconstructible
class PercorsoCasuale:
    """upload_to of private files: ``<cartella>/<uuid4>.<ext>``, the extension lower-cased and kept."""

    def __init__(self, cartella: str) -> None:
        self.cartella = cartella.strip("/")

    def __call__(self, istanza: models.Model, nome: str) -> str:
        estensione = os.path.splitext(nome)[1].lower()[:10]
        return f"{self.cartella}/{uuid.uuid4().hex}{estensione}"

    def __eq__(self, altro: object) -> bool:
        return isinstance(altro, PercorsoCasuale) and altro.cartella == self.cartella


class FilePrivato(models.FileField):
    """A FileField on the private storage with a random name; ``campo_nome`` (optional) is the model's
    CharField that receives the uploaded file's own name, for the download."""

    def __init__(self, *args: Any, cartella: str = "", campo_nome: str = "", **kwargs: Any) -> None:
        self.cartella = cartella
        self.campo_nome = campo_nome
        kwargs["storage"] = archivio_privato
        if cartella:
            kwargs["upload_to"] = PercorsoCasuale(cartella)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        nome, percorso, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        kwargs.pop("upload_to", None)
        kwargs["cartella"] = self.cartella
        if self.campo_nome:
            kwargs["campo_nome"] = self.campo_nome
        return nome, percorso, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        # The name field is declared after this one, so it is read after this runs (field order).
        if file and not file._committed and self.campo_nome:
            setattr(model_instance, self.campo_nome, os.path.basename(file.name)[:255])
        return super().pre_save(model_instance, add)


def percorso_locale(storage: Storage, nome: str = "x") -> str | None:
    """The path of `nome` on this machine, or None for a storage without local paths (S3): Django's
    Storage.path raises NotImplementedError there, which is the documented way to tell."""
    try:
        return storage.path(nome)
    except NotImplementedError:
        return None


def risposta_file(
    campo: models.fields.files.FieldFile,
    nome: str,
    *,
    tipo: str | None = None,
    allegato: bool = True,
) -> HttpResponseBase:
    """Send a private file whose permission check the caller has already done.

    ``nome`` is the name the person's browser saves it as. Behind nginx with MEDIA_PRIVATI_X_ACCEL set,
    nginx reads the file from its internal location; on object storage the browser is redirected to a
    signed URL valid S3_URL_SCADENZA seconds; otherwise Django streams it. A missing file is a 404.
    """
    if not campo:
        raise Http404
    tipo = tipo or "application/octet-stream"
    disposizione = content_disposition_header(allegato, nome) or "attachment"
    storage = campo.storage
    nome_archiviato = campo.name or ""
    risposta: HttpResponseBase
    if percorso_locale(storage) is None:
        url = storage.url(  # type: ignore[call-arg]
            nome_archiviato,
            parameters={"ResponseContentDisposition": disposizione, "ResponseContentType": tipo},
            expire=settings.S3_URL_SCADENZA,
        )
        risposta = HttpResponseRedirect(url)
    elif settings.MEDIA_PRIVATI_X_ACCEL:
        if not storage.exists(nome_archiviato):
            raise Http404
        risposta = HttpResponse(content_type=tipo)
        risposta["X-Accel-Redirect"] = (
            settings.MEDIA_PRIVATI_X_ACCEL.rstrip("/") + "/" + quote(nome_archiviato)
        )
        risposta["Content-Disposition"] = disposizione
    else:
        try:
            aperto = campo.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        risposta = FileResponse(aperto, as_attachment=allegato, filename=nome, content_type=tipo)
    risposta["Cache-Control"] = "private, no-store"
    risposta["X-Content-Type-Options"] = "nosniff"
    return risposta


def campi_privati() -> list[tuple[type[models.Model], FilePrivato]]:
    """Every private file field of every installed model."""
    return [
        (modello, campo)
        for modello in apps.get_models()
        for campo in modello._meta.get_fields()
        if isinstance(campo, FilePrivato)
    ]


def sposta_file_privati() -> int:
    """Move files written before the private storage existed from the public media to the private one,
    under a random name (the old file name becomes the download name). Idempotent; returns the count."""
    spostati = 0
    for modello, campo in campi_privati():
        for istanza in modello._base_manager.exclude(**{campo.attname: ""}).iterator():
            vecchio = getattr(istanza, campo.attname).name
            if privato.exists(vecchio) or not default_storage.exists(vecchio):
                continue
            nuovo = campo.generate_filename(istanza, os.path.basename(vecchio))
            with default_storage.open(vecchio, "rb") as sorgente:
                nuovo = privato.save(nuovo, sorgente)
            valori = {campo.attname: nuovo}
            if campo.campo_nome and not getattr(istanza, campo.campo_nome):
                valori[campo.campo_nome] = os.path.basename(vecchio)[:255]
            modello._base_manager.filter(pk=istanza.pk).update(**valori)
            default_storage.delete(vecchio)
            logger.info("private file moved: %s.%s %s", modello._meta.label, campo.name, istanza.pk)
            spostati += 1
    return spostati
