"""The workflow of a project: bozza → inviato → validato | rimandato → pubblicato → archiviato.

This module is the ONE place that says who may move a project and who may edit it. It builds on
distretti.permissions.ambito_di (the user's approved roles); views and templates only ask `puo(...)`,
`azioni_possibili(...)` and `puo_modificare(...)`. Every transition is recorded (TransizioneProgetto) and
e-mailed on commit to the people concerned (the school's coordinators and the district office).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from alternanza.core.anno_scolastico import anno_successivo
from alternanza.core.compiti import accoda
from alternanza.core.utenti import nome_leggibile
from alternanza.core.workflow import STAFF, Flusso, Regola
from alternanza.core.workflow import TransizioneNonConsentita as TransizioneNonConsentita
from alternanza.progetti.models import (
    STATI_MODIFICABILI,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
    TransizioneProgetto,
)
from alternanza.progetti.opendata import richiedi_aggiornamento
from alternanza.progetti.tasks import notifica_transizione
from distretti.permissions import ambito_di

S = StatoProgetto

SCUOLA = "scuola"  # a coordinator of the project's school
UFFICIO = "ufficio"  # the technical office of the school's district


class Azione(models.TextChoices):
    INVIA = "invia", _("Invia all'ufficio distrettuale")
    VALIDA = "valida", _("Valida")
    RIMANDA = "rimanda", _("Rimanda con osservazioni")
    # The verb: "Pubblica" alone is also the adjective (a public organisation) in other catalogs.
    PUBBLICA = "pubblica", pgettext_lazy("azione", "Pubblica")
    ARCHIVIA = "archivia", _("Archivia")


REGOLE: dict[str, Regola] = {
    Azione.INVIA: Regola(da=(S.BOZZA, S.RIMANDATO), a=S.INVIATO, chi=frozenset({SCUOLA})),
    Azione.VALIDA: Regola(da=(S.INVIATO,), a=S.VALIDATO, chi=frozenset({UFFICIO})),
    Azione.RIMANDA: Regola(
        da=(S.INVIATO, S.VALIDATO), a=S.RIMANDATO, chi=frozenset({UFFICIO}), nota_obbligatoria=True
    ),
    Azione.PUBBLICA: Regola(da=(S.VALIDATO,), a=S.PUBBLICATO, chi=frozenset({UFFICIO})),
    Azione.ARCHIVIA: Regola(da=(S.PUBBLICATO,), a=S.ARCHIVIATO, chi=frozenset({UFFICIO, SCUOLA})),
}

# Editing a validated project sends it back to the district office for review.
NOTA_MODIFICA_DOPO_VALIDAZIONE = _("Modificato dopo la validazione: torna all'ufficio per la revisione.")


def ruoli_su(user, progetto: Progetto) -> frozenset[str]:
    """The roles the user holds on this project's school and district."""
    ambito = ambito_di(user)
    ruoli = set()
    if ambito.staff:
        ruoli.add(STAFF)
    if progetto.scuola_id in ambito.scuole:
        ruoli.add(SCUOLA)
    if progetto.distretto_id in ambito.distretti_ufficio:
        ruoli.add(UFFICIO)
    return frozenset(ruoli)


FLUSSO: Flusso[Progetto] = Flusso(REGOLE, Azione, ruoli_su)
ha_ruolo_per = FLUSSO.ha_ruolo_per
puo = FLUSSO.puo
azioni_possibili = FLUSSO.azioni_possibili


def puo_modificare(user, progetto: Progetto) -> bool:
    """Mirror of ProgettoQuerySet.modificabili_da for one object (same constants, no query)."""
    ruoli = ruoli_su(user, progetto)
    if STAFF in ruoli:
        return progetto.stato != S.ARCHIVIATO
    return SCUOLA in ruoli and progetto.stato in STATI_MODIFICABILI


def puo_copiare(user, progetto: Progetto) -> bool:
    """The school's coordinators (and staff) may copy a project to the next school year."""
    return bool(ruoli_su(user, progetto) & {SCUOLA, STAFF})


def _registra(progetto: Progetto, da: str, a: str, user, nota: str) -> TransizioneProgetto:
    transizione = TransizioneProgetto.objects.create(
        progetto=progetto,
        utente=user,
        da_stato=da,
        a_stato=a,
        nota=nota,
    )
    accoda(notifica_transizione, transizione.pk)
    if S.PUBBLICATO in (da, a):
        richiedi_aggiornamento()
    return transizione


def esegui(progetto: Progetto, azione: str, user, nota: str = "") -> TransizioneProgetto:
    """Apply a transition: permission check, state check, record, e-mail on commit.

    Raises PermissionDenied if the user's role does not allow the transition, TransizioneNonConsentita
    if the project is not in a state the transition starts from or a required note is missing.
    """
    nota = (nota or "").strip()
    with transaction.atomic():
        bloccato = Progetto.objects.select_for_update().get(pk=progetto.pk)
        regola = FLUSSO.verifica(
            user,
            bloccato,
            azione,
            nota,
            negato=_("Non puoi eseguire questa operazione su questo progetto."),
            stato_errato=_("Il progetto è «%(stato)s»: l'operazione non è possibile in questo stato.")
            % {"stato": bloccato.get_stato_display()},
            nota_mancante=_("Scrivi le osservazioni per la scuola: spiegano cosa correggere."),
        )
        da = bloccato.stato
        campi = {"stato": regola.a, "aggiornato_il": timezone.now()}
        if regola.a == S.PUBBLICATO:
            campi["pubblicato_il"] = timezone.now()
        Progetto.objects.filter(pk=bloccato.pk).update(**campi)
        for campo, valore in campi.items():
            setattr(progetto, campo, valore)
        return _registra(progetto, da, regola.a, user, nota)


def dopo_modifica(progetto: Progetto, user) -> TransizioneProgetto | None:
    """Call after a content edit is saved: a validated project goes back to review (inviato)."""
    if progetto.stato != S.VALIDATO:
        return None
    with transaction.atomic():
        aggiornati = Progetto.objects.filter(pk=progetto.pk, stato=S.VALIDATO).update(stato=S.INVIATO)
        if not aggiornati:
            return None
        progetto.stato = S.INVIATO
        return _registra(progetto, S.VALIDATO, S.INVIATO, user, str(NOTA_MODIFICA_DOPO_VALIDAZIONE))


_CAMPI_COPIATI = (
    "scuola_id",
    "distretto_id",
    "indirizzo",
    "titolo",
    "descrizione",
    "obiettivi",
    "partnership_id",
    "classi",
    "ore_previste",
    "sicurezza_ore",
    "sicurezza_ente",
    "consenso_vetrina",
)


def copia_anno_successivo(progetto: Progetto, user) -> Progetto:
    """A new draft of the same project for the next school year.

    Texts, partners with their roles, thematic and S3 areas, places and the planned hours are copied;
    what belongs to the year that ended (hours done, student counts, results, evaluation, dates, documents,
    photos) starts empty.
    """
    if not puo_copiare(user, progetto):
        raise PermissionDenied(_("Solo i referenti della scuola possono copiare il progetto."))
    with transaction.atomic():
        nuovo = Progetto(
            **{campo: getattr(progetto, campo) for campo in _CAMPI_COPIATI},
            anno_scolastico=anno_successivo(progetto.anno_scolastico),
            stato=S.BOZZA,
            creato_da=user,
            creato_da_nome=nome_leggibile(user, Progetto._meta.get_field("creato_da_nome").max_length),
            copiato_da=progetto,
        )
        nuovo.save()
        nuovo.ambiti.set(progetto.ambiti.all())
        nuovo.aree_s3.set(progetto.aree_s3.all())
        nuovo.comuni.set(progetto.comuni.all())
        ProgettoOrganizzazione.objects.bulk_create(
            ProgettoOrganizzazione(progetto=nuovo, organizzazione_id=p.organizzazione_id, ruolo=p.ruolo)
            for p in progetto.partecipazioni.all()
        )
    return nuovo
