"""Data for the workspace tests: `popola(n, ...)` creates n of every kind of record each section reads."""

from __future__ import annotations

import datetime

from django.utils import timezone

from alternanza.progetti.models import StatoProgetto, TransizioneProgetto
from alternanza.report.models import ReportJob, StatoJob
from distretti.models import Incarico, StatoIncarico
from eventi.models import StatoEvento
from eventi.newsletter.models import StatoNumero
from tests.eventi.factories import EventoFactory
from tests.factories import (
    IncaricoFactory,
    OrganizzazioneFactory,
    ReferenteOrganizzazioneFactory,
    ScuolaFactory,
)
from tests.newsletter.factories import ConsegnaFactory, NumeroFactory
from tests.partnership.factories import AccordoFactory, ConvenzioneFactory, OffertaFactory
from tests.progetti.factories import AssistenzaTecnicaFactory, AzioneDiReteFactory, ProgettoFactory
from tests.report.factories import ReportJobFactory

S = StatoProgetto


def popola(n: int, *, scuola, organizzazione, distretto, referente=None) -> None:
    """n records of each kind around `scuola` (its district `distretto`) and `organizzazione`."""
    oggi = timezone.localdate()
    altra_org = OrganizzazioneFactory()
    for i in range(n):
        for stato in (S.BOZZA, S.INVIATO, S.VALIDATO, S.PUBBLICATO):
            ProgettoFactory(scuola=scuola, stato=stato)
        rimandato = ProgettoFactory(scuola=scuola, stato=S.RIMANDATO, ospitanti=[OrganizzazioneFactory()])
        TransizioneProgetto.objects.create(
            progetto=rimandato, da_stato=S.INVIATO, a_stato=S.RIMANDATO, nota=f"Manca il calendario {i}"
        )
        ConvenzioneFactory(
            scuola=scuola,
            organizzazione=altra_org,
            data_firma=None,
            scadenza=oggi + datetime.timedelta(days=20 + 30 * (i % 3)),
        )
        AccordoFactory(
            distretti=[distretto],
            data_firma=None,
            valido_dal=None,
            valido_al=oggi + datetime.timedelta(days=45),
        )
        offerta = OffertaFactory(
            organizzazione=organizzazione, posti=5, data_fine=oggi + datetime.timedelta(days=60)
        )
        from partnership.models import InteresseOfferta

        InteresseOfferta.objects.create(offerta=offerta, scuola=scuola, utente=referente, studenti=2)
        InteresseOfferta.objects.create(
            offerta=offerta, scuola=ScuolaFactory(comune=scuola.comune), studenti=1
        )
        EventoFactory(
            stato=StatoEvento.PROPOSTO, scuola_proponente=scuola, proposto_da=referente, comune=scuola.comune
        )
        azione = AzioneDiReteFactory(promotore="distretto", promotore_distretto=distretto)
        AssistenzaTecnicaFactory(azione=azione, distretto=distretto, ore=2)
        ReportJobFactory(tipo="distretto", distretto=distretto, stato=StatoJob.COMPLETATO)
        ReportJobFactory(stato=StatoJob.ERRORE, origine=ReportJob.Origine.PIANIFICATO)
        NumeroFactory(stato=StatoNumero.BOZZA)
        in_invio = NumeroFactory(stato=StatoNumero.IN_INVIO, avviato_il=timezone.now())
        ConsegnaFactory(numero=in_invio, stato="inviata")
        ConsegnaFactory(numero=in_invio)
        IncaricoFactory(
            ruolo=Incarico.Ruolo.REFERENTE_SCUOLA,
            scuola=ScuolaFactory(comune=scuola.comune),
            stato=StatoIncarico.RICHIESTO,
        )
        ReferenteOrganizzazioneFactory(organizzazione=OrganizzazioneFactory(), stato=StatoIncarico.RICHIESTO)
