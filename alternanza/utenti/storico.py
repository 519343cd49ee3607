"""The audit trail (django-pghistory): which models are tracked and their recent changes, for staff.

Tracking is trigger-based (PostgreSQL), so bulk QuerySet.update() and raw SQL are recorded too;
pghistory's HistoryMiddleware adds the acting user and URL to every event written during a request. To
track a model, decorate it in its app and make a migration there:

    import pghistory

    @pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    class Accordo(models.Model): ...

    python manage.py makemigrations <app> --settings=alternanza.settings_test

Every event model appears on the staff page "Registro delle modifiche" without further wiring.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from pghistory.models import Event

PER_PAGINA = 50
# Each page reads every event table down to its depth: the log goes back this many pages (5,000 events;
# a model filter reaches further into one table's history). Deeper pages answer 404.
PAGINE_MASSIME = 100


def modelli_tracciati() -> dict[str, Any]:
    """Event models by label, e.g. {"distretti.IncaricoEvent": IncaricoEvent}.

    Typed `Any`: pghistory generates these models, and their pgh_* fields are not on the `Event` base.
    """
    return {
        m._meta.label: m
        for m in apps.get_models()
        if issubclass(m, Event) and not m._meta.abstract and m._meta.managed
    }


def _dati(riga, campi) -> dict:
    return {f.name: getattr(riga, f.attname) for f in campi}


def _precedenti(model, righe, campi) -> dict[int, dict]:
    """For each update event of the page, the data of the previous event of the same object (one query)."""
    oggetti = {r.pgh_obj_id for r in righe if r.pgh_label == "update"}
    if not oggetti:
        return {}
    massimo = max(r.pgh_id for r in righe)
    storia: dict = {}
    qs = (
        model._default_manager.filter(pgh_obj_id__in=oggetti, pgh_id__lte=massimo)
        .order_by("pgh_obj_id", "pgh_id")
        .only("pgh_id", "pgh_obj_id", *[f.name for f in campi])
    )
    for evento in qs[:5000]:
        storia.setdefault(evento.pgh_obj_id, []).append(evento)
    precedenti = {}
    for r in righe:
        prima = [e for e in storia.get(r.pgh_obj_id, []) if e.pgh_id < r.pgh_id]
        if prima:
            precedenti[r.pgh_id] = _dati(prima[-1], campi)
    return precedenti


def _breve(valore: object, lunghezza: int = 80) -> str:
    """A value as the log shows it: "–" for none, long texts cut to `lunghezza` characters."""
    if valore is None:
        return "–"
    testo = str(valore)
    return testo if len(testo) <= lunghezza else testo[: lunghezza - 1] + "…"


def modifiche(modello: str | None = None, pagina: int = 1) -> tuple[list[dict], bool]:
    """One page of events, newest first, with who/when/what; and whether there is a next page.

    Each event table is read by its primary key, newest first, only as deep as the page needs (never a
    scan or a COUNT over all events: at the demo's large scale there are >100,000 of them); the tables are
    merged by time and the before/after of updates is computed against the previous event of the object.
    """
    tracciati = modelli_tracciati()
    scelti = [tracciati[modello]] if modello in tracciati else list(tracciati.values())
    inizio = (pagina - 1) * PER_PAGINA
    fine = inizio + PER_PAGINA + 1
    candidati = []
    for model in scelti:
        campi = [f for f in model._meta.concrete_fields if not f.name.startswith("pgh_")]
        for riga in model._default_manager.select_related("pgh_context").order_by("-pgh_id")[:fine]:
            candidati.append((riga.pgh_created_at, riga.pgh_id, model, campi, riga))
    candidati.sort(key=lambda c: (c[0], c[1]), reverse=True)
    pagina_righe = candidati[inizio:fine]
    altre = len(pagina_righe) > PER_PAGINA
    pagina_righe = pagina_righe[:PER_PAGINA]

    per_modello: dict = {}
    for _, _, model, campi, riga in pagina_righe:
        per_modello.setdefault(model, (campi, []))[1].append(riga)
    precedenti = {}
    for model, (campi, righe) in per_modello.items():
        precedenti[model] = _precedenti(model, righe, campi)

    contesti = [r.pgh_context.metadata if r.pgh_context_id else {} for *_, r in pagina_righe]
    ids = {c.get("user") for c in contesti if c.get("user")}
    utenti = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    risultato = []
    for (_, _, model, campi, riga), contesto in zip(pagina_righe, contesti, strict=True):
        dati = _dati(riga, campi)
        prima = precedenti[model].get(riga.pgh_id)
        cambi: list[tuple[str, str | None, str]]
        if prima is not None:
            cambi = [(k, _breve(prima[k]), _breve(v)) for k, v in dati.items() if prima.get(k) != v]
        else:
            # A creation: the values it was created with (the empty ones say nothing).
            cambi = [(k, None, _breve(v)) for k, v in dati.items() if v not in (None, "", [], {})]
        uid = contesto.get("user")
        utente = utenti.get(uid) if uid is not None else None
        risultato.append(
            {
                "quando": riga.pgh_created_at,
                "modello": riga._meta.label.removesuffix("Event"),
                "oggetto": str(riga.pgh_obj_id),
                "evento": riga.pgh_label,
                "chi": (utente.get_full_name() or utente.email) if utente else (f"#{uid}" if uid else ""),
                "url": contesto.get("url", ""),
                "cambi": cambi,
                "confronto": prima is not None,
            }
        )
    return risultato, altre
