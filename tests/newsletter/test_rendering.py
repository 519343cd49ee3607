"""Rendering of an issue: text and HTML parts (CSS inlined), personal links, RFC 8058 headers,
Message-ID, sanitised body, automatic blocks chosen by date range and interests."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from distretti.models import AmbitoTematico, Distretto
from eventi.newsletter import invio
from eventi.newsletter.models import Consegna, Numero
from eventi.newsletter.rendering import Profilo, rendi_numero
from eventi.newsletter.tokens import iscritto_da_personale, token_personale
from tests.eventi.factories import EventoFactory, NotiziaFactory, ora_roma
from tests.factories import comune
from tests.newsletter.factories import IscrittoFactory, NumeroFactory
from tests.progetti.factories import ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _impostazioni(settings):
    settings.NEWSLETTER_RATE_LIMIT = 0
    settings.SITE_URL = "https://alternanza.example.it"
    settings.DEFAULT_FROM_EMAIL = "Rete alternanza <newsletter@cittametropolitana.bo.it>"
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "disiscrizioni@cittametropolitana.bo.it"


def _invia(django_capture_on_commit_callbacks, numero):
    with django_capture_on_commit_callbacks(execute=True):
        invio.invia_ora(numero)
    return mail.outbox


def test_il_messaggio_ha_parte_testo_e_html_con_css_in_linea(django_capture_on_commit_callbacks):
    IscrittoFactory(email="lettore@example.org")
    numero = NumeroFactory(
        oggetto="Le novità di novembre",
        preheader="Tre eventi e due nuove esperienze",
        corpo='<h2>Editoriale</h2><p>Leggi <a href="https://example.org/x">il programma</a>.</p>'
        "<ul><li>uno</li></ul>",
    )
    [messaggio] = _invia(django_capture_on_commit_callbacks, numero)
    assert messaggio.subject == "Le novità di novembre"
    assert "Editoriale" in messaggio.body
    assert "il programma (https://example.org/x)" in messaggio.body
    assert "- uno" in messaggio.body
    assert "<" not in messaggio.body.replace("<mailto", "")  # plain text, no markup
    html, tipo = messaggio.alternatives[0]
    assert tipo == "text/html"
    assert "<style" not in html  # inlined by css-inline
    assert re.search(r'<div class="testata" style="[^"]*background: #0066cc', html)
    assert "Tre eventi e due nuove esperienze" in html  # preheader
    assert '<a href="https://example.org/x"' in html
    # The MIME structure: multipart/alternative with text/plain first, then text/html.
    mime = messaggio.message()
    assert mime.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mime.get_payload()] == ["text/plain", "text/html"]


def test_intestazioni_rfc_8058_e_message_id(django_capture_on_commit_callbacks):
    iscritto = IscrittoFactory(email="lettore@example.org")
    numero = NumeroFactory()
    [messaggio] = _invia(django_capture_on_commit_callbacks, numero)
    mime = messaggio.message()
    token = token_personale(iscritto)
    one_click = "https://alternanza.example.it" + reverse("newsletter_one_click", kwargs={"token": token})
    assert mime["List-Unsubscribe"] == (
        f"<{one_click}>, <mailto:disiscrizioni@cittametropolitana.bo.it?subject=unsubscribe>"
    )
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    consegna = Consegna.objects.get()
    assert mime["Message-ID"] == consegna.message_id
    assert re.fullmatch(
        rf"<newsletter\.{numero.pk}\.{consegna.pk}@alternanza\.example\.it>", consegna.message_id
    )
    # Date in the portal's local time (Rome: +0100 or +0200), never "-0000".
    assert re.search(r"[+]0[12]00$", mime["Date"]), mime["Date"]
    assert mime["To"] == "lettore@example.org"
    assert "newsletter@cittametropolitana.bo.it" in mime["From"]


def test_link_personali_nel_testo_e_nell_html_portano_all_iscritto_giusto(django_capture_on_commit_callbacks):
    anna = IscrittoFactory(email="anna@example.org")
    bruno = IscrittoFactory(email="bruno@example.org")
    messaggi = {m.to[0]: m for m in _invia(django_capture_on_commit_callbacks, NumeroFactory())}
    for iscritto in (anna, bruno):
        messaggio = messaggi[iscritto.email]
        html = messaggio.alternatives[0][0]
        for pagina in ("disiscrizione", "preferenze"):
            url = "https://alternanza.example.it" + reverse(
                f"newsletter:{pagina}", kwargs={"token": token_personale(iscritto)}
            )
            assert url in messaggio.body
            assert f'href="{url}"' in html
        token = re.search(r"/newsletter/disiscrizione/([^/]+)/", messaggio.body).group(1)
        assert iscritto_da_personale(token) == iscritto
    assert token_personale(anna) not in messaggi["bruno@example.org"].body


def test_il_corpo_viene_ripulito_da_script_e_attributi_pericolosi():
    numero = NumeroFactory(
        corpo='<p onclick="x()">Ciao<script>alert(1)</script></p><a href="javascript:alert(1)">x</a>'
        '<img src="https://evil.example/t.gif"><style>p{}</style>'
    )
    contenuto = rendi_numero(numero, Profilo())
    for html in (numero.corpo_html, contenuto.html):
        assert "script" not in html
        assert "onclick" not in html
        assert "javascript:" not in html
        assert "evil.example" not in html and "<style" not in html.split("</head>")[-1]
        assert "Ciao" in html


def test_oggetto_su_una_sola_riga_anche_con_caratteri_speciali():
    numero = NumeroFactory(oggetto="Eventi & progetti <2026>")
    contenuto = rendi_numero(numero, Profilo())
    assert contenuto.oggetto == "Eventi & progetti <2026>"  # not HTML-escaped in the subject
    assert "Eventi &amp; progetti &lt;2026&gt;" in contenuto.html


# --- Automatic blocks -----------------------------------------------------------------------------
def _con_ambiti(oggetto, *ambiti):
    oggetto.ambiti.set(ambiti)
    return oggetto


@pytest.fixture
def contenuti_del_periodo():
    # The issue is written on 10 November 2026: the period's events have not ended yet.
    with time_machine.travel(ora_roma(2026, 11, 10, 8), tick=True):
        yield _contenuti_del_periodo()


def test_prossimi_eventi_solo_quelli_non_ancora_finiti():
    finito = EventoFactory(titolo="Finito stamattina", inizio=ora_roma(2026, 11, 10, 8))
    in_corso = EventoFactory(titolo="In corso", inizio=ora_roma(2026, 11, 10, 11))
    numero = NumeroFactory(periodo_dal=dt.date(2026, 11, 10), periodo_al=dt.date(2026, 11, 30))
    with time_machine.travel(ora_roma(2026, 11, 10, 12), tick=False):
        titoli = [v["titolo"] for v in rendi_numero(numero, Profilo()).blocchi["eventi"]]
    assert finito.fine < in_corso.fine
    assert titoli == ["In corso"]


def _contenuti_del_periodo():
    bologna, imola = Distretto.objects.get(slug="bologna"), Distretto.objects.get(slug="imola")
    robotica, altro = AmbitoTematico.objects.all()[:2]
    dentro = ora_roma(2026, 11, 20, 10)
    return {
        "evento_bologna": EventoFactory(
            titolo="Robotica a Bologna", inizio=dentro, distretto=bologna, ambiti=[robotica]
        ),
        "evento_imola": EventoFactory(
            titolo="Meccanica a Imola", inizio=dentro, comune=comune("Imola"), ambiti=[altro]
        ),
        "evento_fuori_periodo": EventoFactory(
            titolo="Evento di gennaio", inizio=ora_roma(2027, 1, 20), distretto=bologna
        ),
        "progetto_bologna": _con_ambiti(
            ProgettoPubblicatoFactory(titolo="Esperienza in officina", pubblicato_il=ora_roma(2026, 11, 5)),
            robotica,
        ),
        "progetto_vecchio": ProgettoPubblicatoFactory(
            titolo="Esperienza del 2025", pubblicato_il=ora_roma(2025, 5, 5)
        ),
        "notizia": NotiziaFactory(titolo="Aperte le iscrizioni", data_pubblicazione=ora_roma(2026, 11, 3)),
        "bologna": bologna,
        "imola": imola,
        "robotica": robotica,
    }


def _numero_del_periodo():
    return NumeroFactory(periodo_dal=dt.date(2026, 11, 1), periodo_al=dt.date(2026, 11, 30))


def test_blocchi_scelti_per_periodo(contenuti_del_periodo):
    contenuto = rendi_numero(_numero_del_periodo(), Profilo())
    eventi = [v["titolo"] for v in contenuto.blocchi["eventi"]]
    assert sorted(eventi) == ["Meccanica a Imola", "Robotica a Bologna"]
    assert [v["titolo"] for v in contenuto.blocchi["progetti"]] == ["Esperienza in officina"]
    assert [v["titolo"] for v in contenuto.blocchi["notizie"]] == ["Aperte le iscrizioni"]
    evento = contenuti_del_periodo["evento_bologna"]
    assert f'href="https://alternanza.example.it{evento.get_absolute_url()}"' in contenuto.html
    assert "Robotica a Bologna" in contenuto.testo


def test_blocchi_scelti_per_gli_interessi_dell_iscritto(contenuti_del_periodo):
    numero = _numero_del_periodo()
    solo_imola = rendi_numero(numero, Profilo(distretti=(contenuti_del_periodo["imola"].pk,)))
    assert [v["titolo"] for v in solo_imola.blocchi["eventi"]] == ["Meccanica a Imola"]
    assert solo_imola.blocchi["progetti"] == []  # the workshop project is in Bologna
    robotica = rendi_numero(numero, Profilo(ambiti=(contenuti_del_periodo["robotica"].pk,)))
    assert [v["titolo"] for v in robotica.blocchi["eventi"]] == ["Robotica a Bologna"]
    assert [v["titolo"] for v in robotica.blocchi["progetti"]] == ["Esperienza in officina"]


def test_ogni_iscritto_riceve_i_blocchi_dei_suoi_interessi(
    contenuti_del_periodo, django_capture_on_commit_callbacks
):
    IscrittoFactory(email="imola@example.org", distretti=[contenuti_del_periodo["imola"]])
    IscrittoFactory(email="tutto@example.org")
    messaggi = {m.to[0]: m for m in _invia(django_capture_on_commit_callbacks, _numero_del_periodo())}
    assert "Robotica a Bologna" not in messaggi["imola@example.org"].body
    assert "Meccanica a Imola" in messaggi["imola@example.org"].body
    assert "Robotica a Bologna" in messaggi["tutto@example.org"].body


def test_blocchi_disattivati_non_compaiono(contenuti_del_periodo):
    numero = _numero_del_periodo()
    Numero.objects.filter(pk=numero.pk).update(blocco_eventi=False, blocco_progetti=False)
    numero.refresh_from_db()
    contenuto = rendi_numero(numero, Profilo())
    assert set(contenuto.blocchi) == {"notizie"}
    assert "Robotica a Bologna" not in contenuto.html


def test_evento_non_pubblicato_non_compare(contenuti_del_periodo):
    from eventi.models import Evento, StatoEvento

    Evento.objects.filter(pk=contenuti_del_periodo["evento_imola"].pk).update(stato=StatoEvento.PROPOSTO)
    contenuto = rendi_numero(_numero_del_periodo(), Profilo())
    assert [v["titolo"] for v in contenuto.blocchi["eventi"]] == ["Robotica a Bologna"]


def test_i_contenuti_sono_resi_una_volta_per_profilo_non_per_messaggio(
    contenuti_del_periodo, django_capture_on_commit_callbacks, monkeypatch
):
    IscrittoFactory.create_batch(5)
    IscrittoFactory.create_batch(4, distretti=[contenuti_del_periodo["imola"]])
    from eventi.newsletter import rendering

    chiamate = []
    originale = rendering.rendi_numero
    monkeypatch.setattr(rendering, "rendi_numero", lambda *a: chiamate.append(a[1]) or originale(*a))
    _invia(django_capture_on_commit_callbacks, _numero_del_periodo())
    assert len(mail.outbox) == 9
    # Once per language when the send starts (the frozen versions of the archive), then once per
    # distinct profile of the send: never once per message.
    lingue = [Profilo(lingua=codice) for codice, _nome in settings.LANGUAGES]
    assert chiamate[: len(lingue)] == lingue
    inviati = chiamate[len(lingue) :]
    assert len(set(inviati)) == len(inviati) == 2


def test_l_edizione_tiene_i_contenuti_usati_di_recente_entro_il_limite_di_memoria(
    contenuti_del_periodo, monkeypatch
):
    from eventi.newsletter import rendering

    numero = _numero_del_periodo()
    tutti, imola = Profilo(), Profilo(distretti=(contenuti_del_periodo["imola"].pk,))
    in_inglese = Profilo(lingua="en")
    pesi = [rendering._peso(rendering.Edizione(numero).per(p)) for p in (tutti, imola, in_inglese)]
    edizione = rendering.Edizione(numero)
    monkeypatch.setattr(edizione, "MEMORIA_MASSIMA", sum(pesi) - min(pesi))  # any two fit, not three
    primo = edizione.per(tutti)
    assert edizione.per(imola) is not primo
    assert edizione.per(tutti) is primo  # kept, and now the most recently used
    inglese = edizione.per(in_inglese)  # a third content: the least recently used (imola) goes
    assert edizione.per(tutti) is primo and edizione.per(in_inglese) is inglese
    chiamate = []
    originale = rendering.rendi_numero
    monkeypatch.setattr(rendering, "rendi_numero", lambda *a: chiamate.append(a[1]) or originale(*a))
    edizione.per(imola)
    assert chiamate == [imola]


def test_ogni_prova_ha_un_message_id_nuovo_sul_dominio_del_portale():
    numero = NumeroFactory()
    invio.invia_prova(numero.pk, ["a@example.org", "b@example.org"])
    invio.invia_prova(numero.pk, ["a@example.org"])
    ids = [m.message()["Message-ID"] for m in mail.outbox]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert all(i.endswith("@alternanza.example.it>") for i in ids), ids
    assert all(re.search(r"[+]0[12]00$", m.message()["Date"]) for m in mail.outbox)


def test_le_email_del_portale_hanno_message_id_del_portale_e_ora_locale():
    from alternanza.core.email import invia_modello

    invia_modello(
        "newsletter/email/gia_iscritto", ["x@example.org"], {"url_preferenze": "u", "url_disiscrizione": "d"}
    )
    invia_modello(
        "newsletter/email/gia_iscritto", ["x@example.org"], {"url_preferenze": "u", "url_disiscrizione": "d"}
    )
    mime = [m.message() for m in mail.outbox]
    assert mime[0]["Message-ID"] != mime[1]["Message-ID"]
    assert all(m["Message-ID"].endswith("@alternanza.example.it>") for m in mime)
    assert "localhost" not in mime[0]["Message-ID"]
    assert re.search(r"[+]0[12]00$", mime[0]["Date"]), mime[0]["Date"]


def test_controllo_deploy_site_url_https(settings):
    from eventi.newsletter.controlli import site_url_https

    settings.DEBUG = False
    settings.SITE_URL = "http://alternanza.example.it"
    assert [w.id for w in site_url_https()] == ["newsletter.W001"]
    settings.SITE_URL = "https://alternanza.example.it"
    assert site_url_https() == []
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert site_url_https() == []
