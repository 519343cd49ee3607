"""Pages of the projects area: showcase, search, dashboards, forms, attachments, network, open data."""

import pytest
from django.urls import reverse

from alternanza.progetti.models import StatoProgetto
from tests.conftest import entra
from tests.progetti.factories import (
    AdozioneModelloFactory,
    AssistenzaTecnicaFactory,
    AzioneDiReteFactory,
    ModelloInterventoFactory,
    ProgettoFactory,
    ProgettoPubblicatoFactory,
)

S = StatoProgetto
pytestmark = pytest.mark.django_db


def test_tutte_le_pagine_si_aprono(client, scuola_a, referente_a, ufficio_a, organizzazione, distretto_a):
    pubblicato = ProgettoPubblicatoFactory(scuola=scuola_a, ospitanti=[organizzazione])
    azione = AzioneDiReteFactory()
    azione.distretti.set([distretto_a])
    AssistenzaTecnicaFactory(azione=azione, distretto=distretto_a)
    modello = ModelloInterventoFactory(azione=azione)
    AdozioneModelloFactory(modello=modello, distretto=distretto_a)
    pubbliche = [
        reverse("progetti:vetrina"),
        reverse("progetti:vetrina") + "?q=alternanza&distretto=bologna",
        reverse("progetti:progetto", args=[pubblicato.pk]),
        reverse("progetti:azioni"),
        reverse("progetti:azione", args=[azione.pk]),
        reverse("progetti:modelli"),
        reverse("progetti:modello", args=[modello.pk]),
        reverse("progetti:dati"),
        reverse("progetti:dati_progetti_csv"),
        reverse("progetti:dati_progetti_json"),
        reverse("progetti:dati_partnership_csv"),
        reverse("progetti:dati_indicatori_json"),
        reverse("progetti:datapackage"),
        reverse("progetti:catalogo_dcat"),
    ]
    for url in pubbliche:
        assert client.get(url).status_code == 200, url
    entra(client, referente_a)
    for url in [
        reverse("progetti:miei"),
        reverse("progetti:nuovo"),
        reverse("progetti:modifica", args=[ProgettoFactory(scuola=scuola_a).pk]),
        reverse("progetti:allegati", args=[ProgettoFactory(scuola=scuola_a).pk]),
        reverse("progetti:modello_da_progetto", args=[pubblicato.pk]),
    ]:
        assert client.get(url).status_code == 200, url
    entra(client, ufficio_a)
    for url in [
        reverse("progetti:revisione"),
        reverse("progetti:azione_nuova"),
        reverse("progetti:assistenza_nuova", args=[azione.pk]),
        reverse("progetti:modello_da_azione", args=[azione.pk]),
        reverse("progetti:azione", args=[azione.pk]),
    ]:
        assert client.get(url).status_code == 200, url
