"""The audit trail (django-pghistory): which models are tracked and their recent changes, for staff.

Tracking is trigger-based (PostgreSQL), so bulk QuerySet.update() and raw SQL are recorded too; the
StoricoMiddleware adds the acting user and URL to every event written during a request. To track a model,
decorate it in its app and make a migration there:

    import pghistory

    @pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
    class Accordo(models.Model): ...

    python manage.py makemigrations <app> --settings=alternanza.settings_test

Every event model appears on the staff page "Registro delle modifiche" without further wiring.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from pghistory.models import Event, Events

PER_PAGINA = 50


def modelli_tracciati() -> dict[str, type]:
    """Event models by label, e.g. {"distretti.IncaricoEvent": IncaricoEvent}."""
    return {
        m._meta.label: m
        for m in apps.get_models()
        if issubclass(m, Event) and not m._meta.abstract and m._meta.managed
    }


def modifiche(modello: str | None = None, pagina: int = 1) -> tuple[list[dict], bool]:
    """One page of events, newest first, with who/when/what; and whether there is a next page.

    No COUNT(*) over the union of the event tables: one row more than the page says if there is a next.
    """
    tracciati = modelli_tracciati()
    scelti = [tracciati[modello]] if modello in tracciati else list(tracciati.values())
    if not scelti:
        return [], False
    inizio = (pagina - 1) * PER_PAGINA
    righe = list(
        Events.objects.across(*scelti).order_by("-pgh_created_at", "-pgh_id")[
            inizio : inizio + PER_PAGINA + 1
        ]
    )
    altre = len(righe) > PER_PAGINA
    righe = righe[:PER_PAGINA]
    ids = {r.pgh_context.get("user") for r in righe if r.pgh_context and r.pgh_context.get("user")}
    utenti = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    risultato = []
    for r in righe:
        contesto = r.pgh_context or {}
        uid = contesto.get("user")
        utente = utenti.get(uid)
        if r.pgh_diff:
            cambi = [(campo, prima, dopo) for campo, (prima, dopo) in sorted(r.pgh_diff.items())]
        else:
            cambi = [(campo, None, valore) for campo, valore in sorted((r.pgh_data or {}).items())]
        risultato.append(
            {
                "quando": r.pgh_created_at,
                "modello": r.pgh_obj_model,
                "oggetto": r.pgh_obj_id,
                "evento": r.pgh_label,
                "chi": (utente.get_full_name() or utente.email) if utente else (f"#{uid}" if uid else ""),
                "url": contesto.get("url", ""),
                "cambi": cambi,
            }
        )
    return risultato, altre
