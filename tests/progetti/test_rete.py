"""Network actions, technical assistance and the models library between districts."""

import pytest
from django.urls import reverse

from alternanza.progetti.models import AdozioneModello, AssistenzaTecnica, AzioneDiRete
from tests.conftest import entra
from tests.progetti.factories import AzioneDiReteFactory, ModelloInterventoFactory, ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db


def test_l_ufficio_crea_un_azione_del_suo_distretto(client, ufficio_a, distretto_a, distretto_b):
    entra(client, ufficio_a)
    dati = {
        "titolo": "Tavolo scuola-impresa",
        "livello": "distrettuale",
        "distretti": [distretto_a.pk],
        "promotore": "distretto",
        "promotore_distretto": distretto_a.pk,
        "stato": "in_corso",
        "pubblica": "on",
    }
    assert client.post(reverse("progetti:azione_nuova"), dati).status_code == 302
    azione = AzioneDiRete.objects.get()
    assert azione.promotore_distretto == distretto_a
    # Another district's name as promoter is refused.
    risposta = client.post(reverse("progetti:azione_nuova"), {**dati, "promotore_distretto": distretto_b.pk})
    assert "promotore_distretto" in risposta.context["form"].errors


def test_l_ufficio_registra_l_assistenza_tecnica_e_il_pubblico_non_la_vede(client, ufficio_a, distretto_a):
    azione = AzioneDiReteFactory()
    azione.distretti.set([distretto_a])
    entra(client, ufficio_a)
    risposta = client.post(
        reverse("progetti:assistenza_nuova", args=[azione.pk]),
        {"data": "2026-02-10", "distretto": distretto_a.pk, "tema": "Mappatura dei partner", "ore": "3.5"},
    )
    assert risposta.status_code == 302
    assert AssistenzaTecnica.objects.get().registrata_da == ufficio_a
    assert (
        "Mappatura dei partner" in client.get(reverse("progetti:azione", args=[azione.pk])).content.decode()
    )
    client.logout()
    assert (
        "Mappatura dei partner"
        not in client.get(reverse("progetti:azione", args=[azione.pk])).content.decode()
    )


def test_un_modello_adottato_da_un_altro_distretto_lo_mostra_nella_biblioteca(client, ufficio_b, distretto_a):
    modello = ModelloInterventoFactory(titolo="Stage in officina", distretto=distretto_a)
    entra(client, ufficio_b)
    url = reverse("progetti:adotta", args=[modello.pk])
    client.post(
        url, {"distretto": ufficio_b.incarichi.get().distretto_id, "data": "2026-03-01", "note": "Ok"}
    )
    client.post(url, {"distretto": ufficio_b.incarichi.get().distretto_id, "data": "2026-03-02"})  # again
    assert AdozioneModello.objects.count() == 1
    client.logout()
    testo = client.get(reverse("progetti:modelli")).content.decode()
    assert "Stage in officina" in testo and "Imola" in testo


def test_un_modello_nasce_solo_da_un_progetto_pubblicato(client, referente_a, scuola_a):
    from alternanza.progetti.models import StatoProgetto
    from tests.progetti.factories import ProgettoFactory

    bozza = ProgettoFactory(scuola=scuola_a, stato=StatoProgetto.BOZZA)
    entra(client, referente_a)
    assert client.get(reverse("progetti:modello_da_progetto", args=[bozza.pk])).status_code == 302
    pubblicato = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Robotica")
    risposta = client.post(
        reverse("progetti:modello_da_progetto", args=[pubblicato.pk]),
        {"titolo": "Modello robotica", "contesto": "Contesto", "fasi": "Fasi", "pubblicato": "on"},
    )
    assert risposta.status_code == 302
    assert pubblicato.modelli.get().distretto == scuola_a.comune.distretto


def test_il_modello_di_un_referente_e_pubblico_solo_dopo_la_revisione_dell_ufficio(
    client, referente_a, ufficio_a, ufficio_b, scuola_a
):
    pubblicato = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Robotica")
    entra(client, referente_a)
    url_nuovo = reverse("progetti:modello_da_progetto", args=[pubblicato.pk])
    assert "pubblicato" not in client.get(url_nuovo).context["form"].fields  # not the coordinator's call
    risposta = client.post(
        url_nuovo,
        {"titolo": "Modello robotica", "contesto": "Contesto", "fasi": "Fasi", "pubblicato": "on"},
        follow=True,
    )
    modello = pubblicato.modelli.get()
    assert not modello.pubblicato and modello.creato_da == referente_a
    assert "l'ufficio del distretto lo rivede" in risposta.content.decode()  # the author sees it waiting
    url = reverse("progetti:modello", args=[modello.pk])
    client.logout()
    assert client.get(url).status_code == 404
    assert "Modello robotica" not in client.get(reverse("progetti:modelli")).content.decode()
    # Another district's office may not publish it; the model's own office reads it and publishes it.
    entra(client, ufficio_b)
    assert (
        client.post(reverse("progetti:modello_pubblica", args=[modello.pk]), {"pubblicato": "1"}).status_code
        == 404
    )
    client.logout()
    entra(client, ufficio_a)
    assert "da rivedere" in client.get(reverse("progetti:modelli")).content.decode()
    assert (
        client.post(reverse("progetti:modello_pubblica", args=[modello.pk]), {"pubblicato": "1"}).status_code
        == 302
    )
    modello.refresh_from_db()
    assert modello.pubblicato
    client.logout()
    assert client.get(url).status_code == 200
    assert "Modello robotica" in client.get(reverse("progetti:modelli")).content.decode()


def test_il_modello_scritto_dall_ufficio_e_pubblicato_come_sceglie(client, ufficio_a, scuola_a):
    pubblicato = ProgettoPubblicatoFactory(scuola=scuola_a)
    entra(client, ufficio_a)
    url = reverse("progetti:modello_da_progetto", args=[pubblicato.pk])
    assert "pubblicato" in client.get(url).context["form"].fields
    client.post(url, {"titolo": "Modello dell'ufficio", "contesto": "C", "fasi": "F", "pubblicato": "on"})
    assert pubblicato.modelli.get().pubblicato


@pytest.mark.parametrize("quanti", [2, 15])
def test_elenchi_di_azioni_e_modelli_con_query_costanti(
    client, django_assert_max_num_queries, distretto_a, quanti
):
    for _ in range(quanti):
        modello = ModelloInterventoFactory()
        AdozioneModello.objects.create(modello=modello, distretto=distretto_a, data="2026-01-01")
    with django_assert_max_num_queries(4):
        client.get(reverse("progetti:azioni"))
    with django_assert_max_num_queries(4):
        client.get(reverse("progetti:modelli"))


def test_assistenza_tecnica_solo_per_i_distretti_dell_azione(client, ufficio_a, distretto_a, distretto_b):
    azione = AzioneDiReteFactory()
    azione.distretti.set([distretto_a])
    entra(client, ufficio_a)
    dati = {"data": "2026-02-10", "distretto": distretto_b.pk, "tema": "Fuori dall'azione", "ore": "2"}
    risposta = client.post(reverse("progetti:assistenza_nuova", args=[azione.pk]), dati)
    assert risposta.status_code == 200
    assert "Scegli uno dei distretti coinvolti nell'azione." in risposta.context["form"].errors["distretto"]
    assert 'value="Fuori dall&#x27;azione"' in risposta.content.decode()  # what was typed stays
    assert not AssistenzaTecnica.objects.exists()
    scelte = {d.pk for d in risposta.context["form"].fields["distretto"].queryset}
    assert scelte == {distretto_a.pk}
