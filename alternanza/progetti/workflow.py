"""The workflow of a project: bozza → inviato → validato | rimandato → pubblicato → in corso → concluso
→ archiviato (a validated project may also start before it is published — the office validated it late,
after its start date — and the office then publishes it while it runs, or once concluded, leaving its
phase as it is; a submitted one may be withdrawn to bozza until the office decides).

This module is the ONE place that says who may move a project and who may edit what. It builds on
distretti.permissions.ambito_di (the user's approved roles); views and templates only ask `puo(...)`,
`azioni_possibili(...)`, `puo_modificare(...)` and `campi_modificabili(...)`. Two tables: REGOLE (the
transitions) and CAMPI_PER_STATO (which fields change in which state, and which changes send the project
back to the office). Every transition is recorded (TransizioneProgetto) and e-mailed on commit to the
people concerned (the school's coordinators and the district office); every other saved change is
recorded too, as a step from a state to itself naming the fields changed.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    STATI_PUBBLICI,
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
    AVVIA = "avvia", _("Avvia il progetto (in corso)")
    CONCLUDI = "concludi", _("Concludi il progetto")
    RITIRA = "ritira", _("Ritira l'invio (torna in bozza)")
    ARCHIVIA = "archivia", _("Archivia")


REGOLE: dict[str, Regola] = {
    Azione.INVIA: Regola(da=(S.BOZZA, S.RIMANDATO), a=S.INVIATO, chi=frozenset({SCUOLA})),
    # Until the office decides, the school may take back what it sent.
    Azione.RITIRA: Regola(da=(S.INVIATO,), a=S.BOZZA, chi=frozenset({SCUOLA})),
    Azione.VALIDA: Regola(da=(S.INVIATO,), a=S.VALIDATO, chi=frozenset({UFFICIO})),
    Azione.RIMANDA: Regola(
        da=(S.INVIATO, S.VALIDATO), a=S.RIMANDATO, chi=frozenset({UFFICIO}), nota_obbligatoria=True
    ),
    # A project the school started while only validated is published in its phase (not back to
    # "in programma"); one already public is not published twice.
    Azione.PUBBLICA: Regola(
        da=(S.VALIDATO, S.IN_CORSO, S.CONCLUSO),
        a=S.PUBBLICATO,
        resta=(S.IN_CORSO, S.CONCLUSO),
        se=lambda p: p.stato == S.VALIDATO or p.pubblicato_il is None,
        chi=frozenset({UFFICIO}),
    ),
    Azione.AVVIA: Regola(da=(S.VALIDATO, S.PUBBLICATO), a=S.IN_CORSO, chi=frozenset({SCUOLA})),
    Azione.CONCLUDI: Regola(da=(S.IN_CORSO,), a=S.CONCLUSO, chi=frozenset({SCUOLA})),
    Azione.ARCHIVIA: Regola(da=(S.PUBBLICATO, S.CONCLUSO), a=S.ARCHIVIATO, chi=frozenset({UFFICIO, SCUOLA})),
}

# The fields of ProgettoForm by what they describe. "organizzazioni" stands for the partners' formset,
# "tutor" for the host tutors in it (forms.cambiamenti_partecipazioni), "allegati" for documents and
# photos (the allegati page).
PROGETTAZIONE = (
    "scuola",
    "indirizzo",
    "anno_scolastico",
    "titolo",
    "descrizione",
    "obiettivi",
    "partnership",
    "ambiti",
    "aree_s3",
    "classi",
    "comuni",
    "ore_previste",
    "data_inizio",
    "data_fine",
    "sicurezza_ore",
    "sicurezza_ente",
    "consenso_vetrina",
    "organizzazioni",
    "tutor_scuola_nome",
    "tutor_scuola_ruolo",
    "tutor_scuola_email",
    "tutor",
)
CONSUNTIVO = (
    "ore_svolte",
    "sicurezza_svolta",
    "studenti_totale",
    "studenti_ragazze",
    "studenti_origine_straniera",
    "studenti_con_sostegno",
    "studenti_con_formazione_sicurezza",
    "risultati",
    "valutazione",
    "allegati",
)
# What the office validated: changing it once validated sends the project back to the office. Dates,
# classes, places and the consent to the showcase are logistics; the consuntivo is what happened.
SOSTANZIALI = (
    "scuola",
    "anno_scolastico",
    "titolo",
    "descrizione",
    "obiettivi",
    "partnership",
    "ambiti",
    "aree_s3",
    "ore_previste",
    "sicurezza_ore",
    "sicurezza_ente",
    "organizzazioni",
)


@dataclass(frozen=True)
class Fase:
    """What may change in one state: `campi` (by the roles `chi`; staff always, where `campi` is not
    empty), and which of them, changed, send the project back to the office (`rivalidano`)."""

    campi: tuple[str, ...]
    chi: frozenset[str] = frozenset({SCUOLA})
    rivalidano: tuple[str, ...] = ()


TUTTI = PROGETTAZIONE + CONSUNTIVO
CAMPI_PER_STATO: dict[str, Fase] = {
    S.BOZZA: Fase(TUTTI),
    S.RIMANDATO: Fase(TUTTI),
    # Under the office's review: the school withdraws it (RITIRA) to change it; staff may correct it.
    S.INVIATO: Fase(TUTTI, chi=frozenset()),
    S.VALIDATO: Fase(TUTTI, rivalidano=SOSTANZIALI),
    S.PUBBLICATO: Fase(TUTTI, rivalidano=SOSTANZIALI),
    S.IN_CORSO: Fase(TUTTI, rivalidano=SOSTANZIALI),
    # What was planned is history now; the consuntivo may still be completed and corrected.
    S.CONCLUSO: Fase(CONSUNTIVO),
    S.ARCHIVIATO: Fase(()),
}
# The states whose changes may go back to the office for a new validation.
_RIVALIDABILI = frozenset(s for s, fase in CAMPI_PER_STATO.items() if fase.rivalidano)

# The history's (and the e-mail's) word for a publication that leaves the project in its phase.
NOTA_PUBBLICATO_NELLA_FASE = _("Pubblicato nella vetrina.")

# Editing what the office validated sends the project back to it for review.
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


def campi_modificabili(user, progetto: Progetto) -> frozenset[str]:
    """The fields (and "organizzazioni", "allegati") this user may change on the project now."""
    fase = CAMPI_PER_STATO[progetto.stato]
    ruoli = ruoli_su(user, progetto)
    if STAFF in ruoli or ruoli & fase.chi:
        return frozenset(fase.campi)
    return frozenset()


def puo_modificare(user, progetto: Progetto) -> bool:
    """Mirror of ProgettoQuerySet.modificabili_da for one object (no query)."""
    return bool(campi_modificabili(user, progetto))


def puo_allegare(user, progetto: Progetto) -> bool:
    """Whether the user may upload and delete the project's documents and photos now."""
    return "allegati" in campi_modificabili(user, progetto)


# A host organisation is asked for its evaluation, and may give or change it, in these states.
STATI_VALUTAZIONE = (S.IN_CORSO, S.CONCLUSO)


def puo_chiedere_valutazione(user, progetto: Progetto) -> bool:
    """The school's coordinators (and staff) ask the hosts to evaluate a running or concluded project."""
    return progetto.stato in STATI_VALUTAZIONE and bool(ruoli_su(user, progetto) & {SCUOLA, STAFF})


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
    if {da, a} & set(STATI_PUBBLICI):
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
        if regola.a == S.CONCLUSO and not bloccato.ore_svolte:
            raise TransizioneNonConsentita(
                _("Prima di concludere registra nel consuntivo le ore svolte."), code="consuntivo"
            )
        da = bloccato.stato
        a = regola.destinazione(da)
        campi = {"stato": a, "aggiornato_il": timezone.now()}
        if regola.a == S.PUBBLICATO:
            campi["pubblicato_il"] = timezone.now()
            if a == da:
                nota = f"{NOTA_PUBBLICATO_NELLA_FASE} {nota}".strip()
        Progetto.objects.filter(pk=bloccato.pk).update(**campi)
        for campo, valore in campi.items():
            setattr(progetto, campo, valore)
        return _registra(progetto, da, a, user, nota)


def _etichette(campi) -> str:
    """The changed fields by their labels, in the form's order ("organizzazioni", "allegati" included)."""
    speciali = {
        "organizzazioni": _("organizzazioni coinvolte"),
        "tutor": _("tutor delle organizzazioni"),
        "allegati": _("documenti e foto"),
    }
    nomi = []
    for campo in TUTTI:
        if campo in campi:
            etichetta = (
                speciali.get(campo) or getattr(Progetto._meta.get_field(campo), "verbose_name", None) or campo
            )
            nomi.append(str(etichetta))
    return ", ".join(nomi)


def dopo_modifica(progetto: Progetto, user, cambiati) -> TransizioneProgetto | None:
    """Call after a content edit is saved, with the names of the fields changed (CAMPI_PER_STATO's
    names). Records the change in the project's history; a change of what the office validated
    (the state's `rivalidano`) sends the project back to the office (inviato), e-mailed like any
    transition. Returns the history row, None if nothing changed."""
    cambiati = set(cambiati)
    if not cambiati:
        return None
    stato = progetto.stato
    fase = CAMPI_PER_STATO[stato]
    nota = _("Modificati: %(campi)s.") % {"campi": _etichette(cambiati)}
    with transaction.atomic():
        if stato in _RIVALIDABILI and cambiati & set(fase.rivalidano):
            aggiornati = Progetto.objects.filter(pk=progetto.pk, stato=stato).update(stato=S.INVIATO)
            if aggiornati:
                progetto.stato = S.INVIATO
                return _registra(progetto, stato, S.INVIATO, user, f"{NOTA_MODIFICA_DOPO_VALIDAZIONE} {nota}")
        # Not a step of the workflow: recorded, not e-mailed.
        return TransizioneProgetto.objects.create(
            progetto=progetto, utente=user, da_stato=stato, a_stato=stato, nota=nota
        )


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


class CopiaEsistente(Exception):
    """The project already has its copy for the next school year (`copia`): no second one is made."""

    def __init__(self, copia: Progetto) -> None:
        super().__init__(copia.pk)
        self.copia = copia


def copia_esistente(progetto: Progetto) -> Progetto | None:
    """The copy of this project for the next school year, if one was made (the latest)."""
    return (
        progetto.copie.filter(anno_scolastico=anno_successivo(progetto.anno_scolastico))
        .only("id", "titolo", "anno_scolastico", "stato")
        .order_by("-id")
        .first()
    )


def copia_anno_successivo(progetto: Progetto, user) -> Progetto:
    """A new draft of the same project for the next school year.

    Texts, partners with their roles, thematic and S3 areas, places and the planned hours are copied;
    what belongs to the year that ended (hours done, student counts, results, evaluation, dates, documents,
    photos) starts empty. Raises CopiaEsistente if the copy for that year exists already (checked with
    the original's row locked, so two clicks at once make one copy).
    """
    if not puo_copiare(user, progetto):
        raise PermissionDenied(_("Solo i referenti della scuola possono copiare il progetto."))
    with transaction.atomic():
        Progetto.objects.select_for_update().filter(pk=progetto.pk).first()
        esistente = copia_esistente(progetto)
        if esistente is not None:
            raise CopiaEsistente(esistente)
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
