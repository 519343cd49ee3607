"""The language of a person's e-mails (Preferenze.lingua) and allauth's mails in the portal's voice."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse, translate_url

from alternanza.utenti.models import Preferenze
from alternanza.utenti.preferenze import lingua_di
from distretti.models import Incarico, StatoIncarico
from tests.conftest import entra
from tests.factories import IncaricoFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
ENTITA = re.compile(r"&(?:#x?[0-9a-fA-F]+|amp|lt|gt|quot);")


def _registrazione(client, url, email="new.teacher@example.org"):
    return client.post(
        url,
        {
            "email": email,
            "first_name": "Lucia",
            "last_name": "D'Angelo",
            "password1": "una-password-robusta-2026",
            "password2": "una-password-robusta-2026",
            "ruolo": "staff",
        },
    )


def test_registrazione_in_inglese_salva_la_lingua_e_la_conferma_arriva_in_inglese(client, settings):
    settings.SITE_URL = "https://alternanza.example.org"
    risposta = _registrazione(client, translate_url(reverse("account_signup"), "en"))
    assert risposta.status_code == 302
    utente = User.objects.get(email="new.teacher@example.org")
    assert lingua_di(utente) == "en"
    (conferma,) = mail.outbox
    assert conferma.subject == settings.EMAIL_SUBJECT_PREFIX + "Confirm your e-mail address"
    assert conferma.body.startswith("Dear Lucia D'Angelo,")
    html = conferma.alternatives[0][0]
    assert '<html lang="en">' in html and "Lucia D&#x27;Angelo" in html
    for parte in (conferma.subject, conferma.body, html):
        assert "127.0.0.1" not in parte and "example.com" not in parte
        assert utente.username not in parte  # the generated username is nobody's name
    assert str(settings.PORTALE["nome"]) in conferma.body
    assert not ENTITA.search(conferma.body)


def test_registrazione_in_italiano_conferma_in_italiano_senza_entita(client):
    _registrazione(client, reverse("account_signup"))
    assert lingua_di(User.objects.get(email="new.teacher@example.org")) == "it"
    (conferma,) = mail.outbox
    assert conferma.subject == "[Rete alternanza] Conferma il tuo indirizzo e-mail"
    assert conferma.body.startswith("Gentile Lucia D'Angelo,")
    assert "Conferma l'indirizzo e-mail:" in conferma.body
    assert "della Rete metropolitana per l'alternanza" in conferma.body
    assert not ENTITA.search(conferma.body)


def test_accesso_con_messaggio_naturale_e_nome_della_persona(client):
    utente = UserFactory(email="lucia@example.org", first_name="Lucia", last_name="Bianchi")
    utente.set_password("una-password-robusta-2026")
    utente.save()
    EmailAddress.objects.update_or_create(
        user=utente, email=utente.email, defaults={"verified": True, "primary": True}
    )
    risposta = client.post(
        reverse("account_login"), {"login": utente.email, "password": "una-password-robusta-2026"}
    )
    assert risposta.status_code == 302
    testi = [str(m) for m in get_messages(risposta.wsgi_request)]
    assert "Hai effettuato l'accesso come Lucia Bianchi." in testi


def test_cambio_lingua_da_connesso_diventa_la_lingua_delle_email(client, referente_a):
    entra(client, referente_a)
    risposta = client.post(reverse("set_language"), {"language": "en", "next": "/en/"})
    assert risposta.status_code == 302
    assert lingua_di(referente_a) == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert lingua_di(referente_a) == "en"  # not one of the portal's languages: ignored


def test_la_lingua_si_sceglie_dal_profilo(client, referente_a):
    entra(client, referente_a)
    pagina = client.get(reverse("utenti:profilo")).content.decode()
    assert 'name="lingua"' in pagina and reverse("utenti:lingua") in pagina
    risposta = client.post(reverse("utenti:lingua"), {"lingua": "en"})
    assert risposta.status_code == 302 and risposta["Location"].startswith("/en/")
    assert Preferenze.objects.get(utente=referente_a).lingua == "en"
    assert client.post(reverse("utenti:lingua"), {"lingua": "de"}).status_code == 302
    assert Preferenze.objects.get(utente=referente_a).lingua == "en"


def test_rifiuto_nella_lingua_del_richiedente_con_risposta_all_ufficio(
    client, ufficio_a, scuola_a, distretto_a
):
    distretto_a.ufficio_email = "ufficio.tecnico@example.org"
    distretto_a.save(update_fields=["ufficio_email"])
    richiedente = UserFactory(first_name="Tom", last_name="O'Brien")
    Preferenze.objects.create(utente=richiedente, lingua="en")
    richiesta = IncaricoFactory(
        utente=richiedente,
        ruolo=Incarico.Ruolo.REFERENTE_SCUOLA,
        scuola=scuola_a,
        stato=StatoIncarico.RICHIESTO,
    )
    entra(client, ufficio_a)
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    client.post(
        url, {"esito": "rifiuta", "nota": "Non risulta tra i docenti: chiedi all'istituto & riprova."}
    )
    (rifiuto,) = mail.outbox
    assert rifiuto.to == [richiedente.email]
    assert rifiuto.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)
    assert "Role request not approved: School coordinator" in rifiuto.subject  # the role in English too
    assert "reply to this e-mail" in rifiuto.body
    assert rifiuto.reply_to == ["ufficio.tecnico@example.org"]
    assert "chiedi all'istituto & riprova." in rifiuto.body
    assert not ENTITA.search(rifiuto.subject + rifiuto.body)


def test_revoca_dallo_staff_risponde_al_contatto_del_portale(staff, referente_a):
    from alternanza.utenti import ruoli

    incarico = referente_a.incarichi.get()
    distretto = incarico.scuola.comune.distretto
    distretto.ufficio_email = ""  # no office address: the reply goes to the network's contact address
    distretto.save(update_fields=["ufficio_email"])
    ruoli.revoca(staff, incarico, "Fine dell'incarico")
    (revoca,) = mail.outbox
    assert revoca.reply_to == [settings.PORTALE["email_contatti"]]
    assert "Fine dell'incarico" in revoca.body and "rispondi a questa e-mail" in revoca.body
