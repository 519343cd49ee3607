"""What the workspace shows for each role: one function per section, reading the owning apps' querysets.

No permission rule lives here: every read goes through the apps' scopes (visibili_a, approvabili_da,
incarichi_decidibili_da, organizzazioni_di, ...) or filters on the ids of the user's own Ambito. Each
section runs a fixed number of queries, whatever the amount of data: lists are cut with a LIMIT and
counters are aggregates (tests/area/test_query.py asserts it with two data sizes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alternanza.core.anno_scolastico import anno_scolastico_di
from alternanza.core.tipi import Utente
from alternanza.progetti.models import (
    AssistenzaTecnica,
    AzioneDiRete,
    Progetto,
    ProgettoOrganizzazione,
    StatoProgetto,
)
from alternanza.report.models import ReportJob, StatoJob
from alternanza.utenti import ruoli
from alternanza.utenti.models import EventoSicurezza, Invito
from distretti.models import StatoIncarico
from distretti.permissions import Ambito, ambito_di, incarichi_decidibili_da
from eventi.models import Evento, StatoEvento
from eventi.newsletter.models import Numero, StatoConsegna, StatoNumero
from partnership.models import (
    Accordo,
    Convenzione,
    InteresseOfferta,
    OffertaOspitalita,
    Organizzazione,
)
from partnership.permissions import referenze_decidibili_da
from partnership.querysets import organizzazioni_di

S = StatoProgetto
MOSTRATI = 5  # rows of each short list; the full list is one click away
# Projects whose host organisations must have a convenzione with the school (not yet archived).
STATI_CON_OSPITANTI = (S.BOZZA, S.INVIATO, S.RIMANDATO, S.VALIDATO, S.PUBBLICATO, S.IN_CORSO)
NUOVO_PER_GIORNI = 7  # an expression of interest is "new" for a week


@dataclass(frozen=True)
class Conteggio:
    """A counter of the workspace: a label, a number and the filtered list it links to."""

    etichetta: str
    numero: int
    url: str
    classe: str = ""


def per_utente(user: Utente) -> dict[str, Any]:
    """The context of the workspace: the sections of the roles the user holds, in the role order."""
    ambito = ambito_di(user)
    organizzazioni = organizzazioni_di(user)
    contesto: dict[str, Any] = {"ambito": ambito, "in_attesa": ruoli.in_attesa(user)}
    if ambito.referente_scuola:
        contesto["scuola"] = sezione_scuola(user, ambito)
    if ambito.ufficio_distretto or ambito.staff:
        contesto["ufficio"] = sezione_ufficio(user, ambito)
    if ambito.staff:
        contesto["staff"] = sezione_staff()
    if organizzazioni:
        contesto["organizzazione"] = sezione_organizzazione(organizzazioni)
    contesto["nessun_ruolo"] = not (ambito.ha_ruolo or organizzazioni)
    return contesto


# --- School coordinator ------------------------------------------------------------------------------


def sezione_scuola(user: Utente, ambito: Ambito) -> dict[str, Any]:
    scuole = sorted(ambito.scuole)
    progetti = Progetto.objects.filter(scuola_id__in=scuole)
    conteggi = progetti.conteggi_per_stato()
    url_miei = reverse("progetti:miei")
    contatori = [
        Conteggio(str(s.label), conteggi[s.value], f"{url_miei}?stato={s.value}#elenco", s.badge) for s in S
    ]
    da_fare = list(
        progetti.filter(stato__in=(S.RIMANDATO, S.BOZZA))
        .con_ultima_osservazione()
        .select_related("scuola")
        .only("id", "titolo", "stato", "anno_scolastico", "aggiornato_il", "scuola__denominazione")
        .order_by("-stato", "-aggiornato_il", "-id")[:MOSTRATI]
    )
    senza_convenzione = list(
        ProgettoOrganizzazione.objects.filter(
            progetto__scuola_id__in=scuole, progetto__stato__in=STATI_CON_OSPITANTI
        )
        .ospitanti_senza_convenzione()
        .select_related("progetto", "organizzazione")
        .only("id", "progetto__id", "progetto__titolo", "organizzazione__id", "organizzazione__nome")
        .order_by("progetto__titolo", "organizzazione__nome")[:MOSTRATI]
    )
    proposte = list(
        Evento.objects.proposti_da(user)
        .only("id", "titolo", "slug", "stato", "inizio")
        .order_by("-creato_il")[:MOSTRATI]
    )
    convenzioni = list(
        Convenzione.objects.filter(scuola_id__in=scuole)
        .select_related("organizzazione", "scuola")
        .only("id", "scadenza", "organizzazione__nome", "scuola__denominazione")
        .order_by("scadenza")[:MOSTRATI]
    )
    offerte_aperte = OffertaOspitalita.objects.visibili_a(user).attive()
    interessi = list(
        InteresseOfferta.objects.filter(scuola_id__in=scuole)
        .select_related("offerta__organizzazione")
        .only(
            "id", "creato_il", "studenti", "offerta__id", "offerta__titolo", "offerta__organizzazione__nome"
        )
        .order_by("-creato_il")[:MOSTRATI]
    )
    return {
        "contatori": contatori,
        "totale": sum(conteggi.values()),
        "da_fare": da_fare,
        "senza_convenzione": senza_convenzione,
        "proposte": proposte,
        "convenzioni": convenzioni,
        "oggi": timezone.localdate(),
        "offerte": list(offerte_aperte.select_related("organizzazione").order_by("data_inizio")[:MOSTRATI]),
        "offerte_totale": offerte_aperte.count(),
        "interessi": interessi,
    }


# --- District office (and staff, for every district) -------------------------------------------------


def sezione_ufficio(user: Utente, ambito: Ambito) -> dict[str, Any]:
    progetti = Progetto.objects.all()
    assistenze = AssistenzaTecnica.objects.all()
    azioni = AzioneDiRete.objects.all()
    if not ambito.staff:
        distretti = sorted(ambito.distretti_ufficio)
        progetti = progetti.filter(distretto_id__in=distretti)
        assistenze = assistenze.filter(distretto_id__in=distretti)
        azioni = azioni.dei_distretti(distretti)
    coda = Progetto.objects.da_esaminare_da(user)
    in_revisione = list(
        coda.select_related("scuola", "distretto")
        .only("id", "titolo", "aggiornato_il", "scuola__denominazione", "distretto__nome")
        .order_by("aggiornato_il", "id")[:MOSTRATI]
    )
    anno = anno_scolastico_di()
    indicatori = (
        progetti.convalidati()
        .filter(anno_scolastico=anno)
        .aggregate(
            progetti=Count("id"), studenti=Sum("studenti_totale", default=0), ore=Sum("ore_svolte", default=0)
        )
    )
    url_convenzioni = reverse("partnership:convenzioni")
    url_accordi = reverse("partnership:ufficio_accordi")
    scadenze_convenzioni = Convenzione.objects.visibili_a(user).scadenze()
    scadenze_accordi = Accordo.objects.visibili_a(user).scadenze()
    richieste = (
        incarichi_decidibili_da(user).filter(stato=StatoIncarico.RICHIESTO).count()
        + referenze_decidibili_da(user).filter(stato=StatoIncarico.RICHIESTO).count()
    )
    proposte = Evento.objects.approvabili_da(user).filter(stato=StatoEvento.PROPOSTO).count()
    return {
        "da_verificare": Organizzazione.objects.da_verificare_per(user).count(),
        "coda_totale": coda.count(),
        "in_revisione": in_revisione,
        "prossimo": in_revisione[0] if in_revisione else None,
        "scadenze": [
            (
                giorni,
                Conteggio(
                    _("Convenzioni"),
                    scadenze_convenzioni[giorni],
                    f"{url_convenzioni}?stato=in_scadenza&giorni={giorni}",
                ),
                Conteggio(_("Accordi"), scadenze_accordi[giorni], f"{url_accordi}?scade_entro={giorni}"),
            )
            for giorni in scadenze_convenzioni
        ],
        "richieste": richieste,
        "proposte": proposte,
        "azioni": azioni.count(),
        "assistenze": assistenze.aggregate(n=Count("id"), ore=Sum("ore", default=0)),
        "anno": anno,
        "indicatori": indicatori,
        "report": list(
            ReportJob.objects.visibili_a(user)
            .select_related("distretto", "ambito")
            .order_by("-creato_il", "-pk")[:MOSTRATI]
        ),
    }


# --- Metropolitan staff ------------------------------------------------------------------------------


def sezione_staff() -> dict[str, Any]:
    url_numeri = reverse("newsletter:numeri")
    numeri = Numero.objects.order_by().aggregate(
        **{s.value: Count("id", filter=Q(stato=s.value)) for s in StatoNumero}
    )
    in_invio = list(
        Numero.objects.filter(stato__in=(StatoNumero.IN_INVIO, StatoNumero.IN_PAUSA))
        .annotate(
            consegne_totali=Count("consegne"),
            consegne_fatte=Count("consegne", filter=~Q(consegne__stato=StatoConsegna.IN_ATTESA)),
        )
        .only("id", "oggetto", "stato")
        .order_by("avviato_il", "id")[:MOSTRATI]
    )
    for numero in in_invio:
        totale = numero.consegne_totali  # type: ignore[attr-defined]
        numero.percentuale = round(100 * numero.consegne_fatte / totale) if totale else 0  # type: ignore[attr-defined]
    report = ReportJob.objects.order_by().aggregate(
        pronti=Count("id", filter=Q(stato=StatoJob.COMPLETATO)),
        falliti=Count("id", filter=Q(stato=StatoJob.ERRORE)),
        pianificati=Count("id", filter=Q(origine=ReportJob.Origine.PIANIFICATO)),
        attivi=Count("id", filter=Q(stato__in=(StatoJob.IN_CODA, StatoJob.IN_CORSO))),
    )
    url_report = reverse("report:elenco")
    settimana_fa = timezone.now() - timedelta(days=7)
    return {
        "numeri": [
            Conteggio(_("Bozze"), numeri[StatoNumero.BOZZA], url_numeri),
            Conteggio(_("Programmati"), numeri[StatoNumero.PROGRAMMATO], url_numeri),
            Conteggio(
                _("In invio o in pausa"),
                numeri[StatoNumero.IN_INVIO] + numeri[StatoNumero.IN_PAUSA],
                url_numeri,
            ),
        ],
        "in_invio": in_invio,
        "report": [
            Conteggio(_("Pronti"), report["pronti"], f"{url_report}?stato={StatoJob.COMPLETATO}"),
            Conteggio(_("Non riusciti"), report["falliti"], f"{url_report}?stato={StatoJob.ERRORE}"),
            Conteggio(_("In preparazione"), report["attivi"], f"{url_report}?stato={StatoJob.IN_CORSO}"),
            Conteggio(
                _("Dal calendario"),
                report["pianificati"],
                f"{url_report}?origine={ReportJob.Origine.PIANIFICATO}",
            ),
        ],
        "inviti_aperti": Invito.objects.filter(usato_il__isnull=True).count(),
        "negati_settimana": EventoSicurezza.objects.filter(
            tipo=EventoSicurezza.Tipo.NEGATO, creato_il__gte=settimana_fa
        ).count(),
    }


# --- Organisation contact ----------------------------------------------------------------------------


def sezione_organizzazione(organizzazioni: frozenset[int]) -> dict[str, Any]:
    ids = sorted(organizzazioni)
    interessi: QuerySet[InteresseOfferta] = InteresseOfferta.objects.filter(
        offerta__organizzazione_id__in=ids
    )
    recenti = list(
        interessi.select_related("offerta", "scuola__comune")
        .only(
            "id",
            "creato_il",
            "studenti",
            "offerta__id",
            "offerta__titolo",
            "scuola__denominazione",
            "scuola__comune__nome",
        )
        .order_by("-creato_il", "-id")[:MOSTRATI]
    )
    soglia = timezone.now() - timedelta(days=NUOVO_PER_GIORNI)
    for interesse in recenti:
        interesse.nuovo = interesse.creato_il >= soglia  # type: ignore[attr-defined]
    return {
        "organizzazioni": list(
            Organizzazione.objects.filter(pk__in=ids).only("id", "nome", "slug").order_by("nome")
        ),
        "offerte": list(
            OffertaOspitalita.objects.filter(organizzazione_id__in=ids)
            .con_posti_residui()
            .select_related("organizzazione")
            .only("id", "titolo", "posti", "attiva", "data_inizio", "data_fine", "organizzazione__nome")
            .order_by("-attiva", "data_inizio", "id")[:MOSTRATI]
        ),
        "interessi": recenti,
        "interessi_totale": interessi.count(),
        "convenzioni": list(
            Convenzione.objects.filter(organizzazione_id__in=ids)
            .select_related("scuola")
            .only("id", "scadenza", "scuola__denominazione")
            .order_by("scadenza")[:MOSTRATI]
        ),
        "oggi": timezone.localdate(),
    }
