"""The write side of bookings: request, confirm, change, cancel, waiting-list offers, check-in, messages.

A booking is for one date of the event (each date has the event's capacity and its own waiting list).
Places are taken and given back only by `_prendi` / `_rendi`, single conditional UPDATEs on the date's
row: `posti_occupati + n <= Evento.posti` is checked by PostgreSQL on the row it updates, so two
confirmations racing for the last places of a date cannot both succeed (the second UPDATE waits for the
first one's row lock, re-reads the row and matches nothing). Every change of state locks the booking's
row first, so a double click or a link opened twice runs once. E-mails are enqueued on commit (eventi.tasks).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.compiti import accoda
from eventi import tasks
from eventi.cache import invalida
from eventi.models import DataEvento, Evento
from eventi.prenotazioni.models import CON_POSTI, MessaggioPrenotati, Prenotazione, StatoPrenotazione
from eventi.prenotazioni.tokens import CONFERMA_VALIDITA

S = StatoPrenotazione


def durata_offerta() -> timedelta:
    """How long a place offered from the waiting list stays reserved for the person it is offered to."""
    return timedelta(hours=settings.FESTIVAL_OFFERTA_ORE)


class PrenotazioneRifiutata(ValidationError):
    """The booking cannot be made or changed as asked (the message says why, for the person)."""


class GiaPrenotato(PrenotazioneRifiutata):
    """The address already has an active booking for this event."""


def _mail(prenotazione: Prenotazione, tipo: str) -> None:
    pk = prenotazione.pk
    accoda(tasks.invia_mail_prenotazione, pk, tipo)


def _prendi(data_id: int, posti: int) -> bool:
    """Take `posti` places of the date if they are free (one conditional UPDATE on the date's row)."""
    # The public pages show the places left: the cached ones become stale.
    transaction.on_commit(invalida)
    capienza = Subquery(Evento.objects.filter(pk=OuterRef("evento_id")).values("posti")[:1])
    return (
        DataEvento.objects.filter(pk=data_id, posti_occupati__lte=capienza - posti).update(
            posti_occupati=F("posti_occupati") + posti
        )
        == 1
    )


def _rendi(data_id: int, posti: int) -> None:
    transaction.on_commit(invalida)
    DataEvento.objects.filter(pk=data_id, posti_occupati__gte=posti).update(
        posti_occupati=F("posti_occupati") - posti
    )


def richiedi(evento: Evento, dati: dict[str, Any], lingua: str) -> Prenotazione:
    """A new booking of one date (dati["data"]) waiting for the confirmation of its address (it holds
    no place yet).

    Raises GiaPrenotato if the address has an active booking for the event (the mail with its link is
    sent again when it is still to confirm). Without dati["data"], the event's one date to come."""
    if not evento.prenotazioni_aperte():
        raise PrenotazioneRifiutata(_("Le prenotazioni per questo evento non sono aperte."))
    dati = dict(dati)
    data = dati.pop("data", None)
    if data is None and len(prenotabili := evento.date_prenotabili()) == 1:
        data = prenotabili[0]
    if data is None or data.evento_id != evento.pk or data.inizio <= timezone.now():
        raise PrenotazioneRifiutata(_("Scegli una delle date ancora da svolgersi."))
    prenotazione = Prenotazione(evento=evento, data=data, lingua=lingua, **dati)
    try:
        with transaction.atomic():
            prenotazione.save()
    except IntegrityError as exc:
        esistente = (
            Prenotazione.objects.attive().filter(evento=evento, email__iexact=prenotazione.email).first()
        )
        if esistente is None:  # another constraint: let it surface
            raise
        if esistente.stato == S.DA_CONFERMARE:
            _mail(esistente, "conferma")
        else:
            _mail(esistente, "promemoria_link")
        raise GiaPrenotato(
            _(
                "Con questo indirizzo c'è già una prenotazione per l'evento: ti abbiamo inviato di nuovo "
                "l'e-mail con il link per vederla o modificarla."
            ),
            code="prenotazione_email_unica",
        ) from exc
    _mail(prenotazione, "conferma")
    return prenotazione


def _bloccata(pk: int) -> Prenotazione:
    return Prenotazione.objects.select_for_update(of=("self",)).select_related("evento", "data").get(pk=pk)


@transaction.atomic
def conferma(pk: int) -> Prenotazione:
    """The address is confirmed: take the places, or join the waiting list when they are not there.

    Idempotent: a booking already confirmed (or waiting) is returned as it is."""
    p = _bloccata(pk)
    if p.stato != S.DA_CONFERMARE:
        return p
    p.confermata_il = timezone.now()
    if _prendi(p.data_id, p.posti):
        p.stato = S.CONFERMATA
        _mail(p, "confermata")
    else:
        p.stato = S.IN_ATTESA
        _mail(p, "attesa")
    p.save(update_fields=["stato", "confermata_il"])
    return p


def offri_posti(data_id: int) -> list[Prenotazione]:
    """Offer the free places of a date to its waiting list, first come first served (inside a
    transaction).

    A booking later in the line gets an offer only if it fits in what the earlier ones left: a class of
    26 does not block an individual who asked for one place. The date's row is locked so that two
    releases at the same moment do not offer the same places twice."""
    data = DataEvento.objects.select_for_update(of=("self",)).select_related("evento").get(pk=data_id)
    liberi = data.posti_liberi
    offerte: list[Prenotazione] = []
    if liberi <= 0 or data.inizio <= timezone.now():
        return offerte
    scadenza = timezone.now() + durata_offerta()
    for p in Prenotazione.objects.lista_attesa().filter(data_id=data_id).select_for_update():
        if p.posti > liberi:
            continue
        if not _prendi(data_id, p.posti):
            break
        liberi -= p.posti
        p.stato = S.OFFERTA
        p.offerta_scade_il = min(scadenza, data.inizio)
        p.save(update_fields=["stato", "offerta_scade_il"])
        _mail(p, "offerta")
        offerte.append(p)
        if liberi <= 0:
            break
    return offerte


@transaction.atomic
def accetta_offerta(pk: int) -> Prenotazione:
    p = _bloccata(pk)
    if p.stato != S.OFFERTA:
        raise PrenotazioneRifiutata(_("Questa offerta non è più valida."))
    if p.offerta_scade_il and p.offerta_scade_il <= timezone.now():
        raise PrenotazioneRifiutata(_("L'offerta è scaduta: i posti sono passati al prossimo in lista."))
    p.stato = S.CONFERMATA
    p.offerta_scade_il = None
    p.save(update_fields=["stato", "offerta_scade_il"])
    _mail(p, "confermata")
    return p


@transaction.atomic
def annulla(pk: int) -> Prenotazione:
    """Cancel (also: decline an offer, leave the waiting list); freed places go to the waiting list."""
    p = _bloccata(pk)
    if p.stato in (S.ANNULLATA, S.SCADUTA):
        return p
    aveva_posti = p.stato in CON_POSTI
    p.stato = S.ANNULLATA
    p.annullata_il = timezone.now()
    p.offerta_scade_il = None
    p.save(update_fields=["stato", "annullata_il", "offerta_scade_il"])
    _mail(p, "annullata")
    if aveva_posti:
        _rendi(p.data_id, p.posti)
        offri_posti(p.data_id)
    return p


@transaction.atomic
def modifica(pk: int, studenti: int, accompagnatori: int, posti: int, telefono: str) -> Prenotazione:
    """Change the number of places (and the phone). More places are taken only if free."""
    p = _bloccata(pk)
    if p.stato not in (S.DA_CONFERMARE, S.CONFERMATA, S.IN_ATTESA):
        raise PrenotazioneRifiutata(_("Questa prenotazione non si può più modificare."))
    nuovi = studenti + accompagnatori if p.di_classe else posti
    differenza = nuovi - p.posti
    if p.stato == S.CONFERMATA and differenza > 0 and not _prendi(p.data_id, differenza):
        raise PrenotazioneRifiutata(
            _("Non ci sono abbastanza posti liberi per aggiungerne %(n)s.") % {"n": differenza}
        )
    p.studenti, p.accompagnatori, p.posti, p.telefono = studenti, accompagnatori, nuovi, telefono
    p.save(update_fields=["studenti", "accompagnatori", "posti", "telefono"])
    if p.stato == S.CONFERMATA and differenza < 0:
        _rendi(p.data_id, -differenza)
        offri_posti(p.data_id)
    return p


def scadi_offerte(adesso=None) -> int:
    """Beat: offers not accepted in time expire, and their places go to the next in line."""
    adesso = adesso or timezone.now()
    scadute = 0
    ids = Prenotazione.objects.filter(stato=S.OFFERTA, offerta_scade_il__lte=adesso).values_list(
        "pk", flat=True
    )
    for pk in list(ids):
        with transaction.atomic():
            p = _bloccata(pk)
            if p.stato != S.OFFERTA or not p.offerta_scade_il or p.offerta_scade_il > adesso:
                continue
            p.stato = S.SCADUTA
            p.save(update_fields=["stato"])
            _rendi(p.data_id, p.posti)
            offri_posti(p.data_id)
            scadute += 1
    # Never confirmed: the confirmation link has expired, the address may book again.
    limite = adesso - timedelta(seconds=CONFERMA_VALIDITA)
    scadute += Prenotazione.objects.filter(stato=S.DA_CONFERMARE, creata_il__lt=limite).update(
        stato=S.SCADUTA
    )
    return scadute


def da_ricordare(adesso=None):
    """Confirmed bookings of dates that start tomorrow (Europe/Rome), not yet reminded."""
    domani = timezone.localdate(adesso or timezone.now()) + timedelta(days=1)
    da = timezone.make_aware(datetime.combine(domani, time.min))
    return Prenotazione.objects.confermate().filter(
        promemoria_il__isnull=True, data__inizio__gte=da, data__inizio__lt=da + timedelta(days=1)
    )


def segna_promemoria(pk: int) -> bool:
    """Mark one booking as reminded; False if it already was (so a reminder goes out once)."""
    return bool(
        Prenotazione.objects.filter(pk=pk, promemoria_il__isnull=True).update(promemoria_il=timezone.now())
    )


def accoda_promemoria(adesso=None) -> int:
    pks = list(da_ricordare(adesso).values_list("pk", flat=True))
    for pk in pks:
        _mail_promemoria(pk)
    return len(pks)


def _mail_promemoria(pk: int) -> None:
    accoda(tasks.invia_mail_prenotazione, pk, "promemoria")


@transaction.atomic
def registra_ingresso(pk: int) -> tuple[Prenotazione, bool]:
    """Check a booking in at the door; returns (booking, True if this call checked it in)."""
    p = _bloccata(pk)
    if p.stato != S.CONFERMATA:
        raise PrenotazioneRifiutata(_("La prenotazione non è confermata: niente ingresso."))
    if p.ingresso_il:
        return p, False
    p.ingresso_il = timezone.now()
    p.save(update_fields=["ingresso_il"])
    return p, True


@transaction.atomic
def accoda_messaggio(evento: Evento, oggetto: str, testo: str, autore) -> MessaggioPrenotati:
    """A message to everyone booked on the event, sent by a task (never in the request)."""
    messaggio = MessaggioPrenotati.objects.create(evento=evento, oggetto=oggetto, testo=testo, autore=autore)
    accoda(tasks.invia_messaggio_prenotati, messaggio.pk)
    return messaggio
