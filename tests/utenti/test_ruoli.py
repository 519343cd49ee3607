"""Signup with a role request, requests from the profile, and the approval flow with its e-mails."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from distretti.models import Incarico, StatoIncarico
from distretti.permissions import ambito_di
from partnership.models import Organizzazione, ReferenteOrganizzazione
from tests.conftest import entra
from tests.factories import IncaricoFactory, ScuolaFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def _registrazione(client, **extra):
    dati = {
        "email": "nuova.docente@example.org",
        "first_name": "Anna",
        "last_name": "Rossi",
        "password1": "una-password-robusta-2026",
        "password2": "una-password-robusta-2026",
        **extra,
    }
    return client.post(reverse("account_signup"), dati)


def test_registrazione_crea_una_richiesta_di_referente_per_codice_meccanografico(client, scuola_a, ufficio_a):
    risposta = _registrazione(client, ruolo="scuola", scuola=scuola_a.codice_meccanografico.lower())
    assert risposta.status_code == 302
    utente = User.objects.get(email="nuova.docente@example.org")
    assert (utente.first_name, utente.last_name) == ("Anna", "Rossi")
    incarico = utente.incarichi.get()
    assert (incarico.ruolo, incarico.scuola, incarico.stato) == ("scuola", scuola_a, StatoIncarico.RICHIESTO)
    assert not ambito_di(utente).ha_ruolo
    # Only the verification e-mail so far: approvers hear about it once the e-mail is confirmed.
    assert [m.to for m in mail.outbox] == [["nuova.docente@example.org"]]


def test_conferma_email_avvisa_ufficio_del_distretto_e_staff(client, scuola_a, ufficio_a, ufficio_b, staff):
    _registrazione(client, ruolo="scuola", scuola=scuola_a.codice_meccanografico)
    indirizzo = EmailAddress.objects.get(email="nuova.docente@example.org")
    mail.outbox.clear()
    chiave = EmailConfirmationHMAC(indirizzo).key
    client.post(reverse("account_confirm_email", kwargs={"key": chiave}))
    destinatari = sorted(m.to[0] for m in mail.outbox)
    assert destinatari == ["nuova.docente@example.org", "staff@example.org", "ufficio_a@example.org"]
    avviso = next(m for m in mail.outbox if m.to == ["ufficio_a@example.org"])
    assert "Anna Rossi" in avviso.subject and scuola_a.denominazione in avviso.body
    assert reverse("utenti:richieste") in avviso.body
    assert avviso.alternatives and "<strong>" in avviso.alternatives[0][0]


def test_registrazione_con_scuola_cercata_per_nome(client, scuola_a):
    _registrazione(client, ruolo="scuola", scuola="aldini")
    assert Incarico.objects.get(utente__email="nuova.docente@example.org").scuola == scuola_a


def test_nome_ambiguo_elenca_le_scuole_candidate(client, scuola_a):
    altra = ScuolaFactory(denominazione="Istituto tecnico Aldini Valeriani (prova)")
    risposta = _registrazione(client, ruolo="scuola", scuola="aldini")
    assert risposta.status_code == 200
    testo = risposta.content.decode()
    assert scuola_a.codice_meccanografico in testo and altra.codice_meccanografico in testo
    assert not User.objects.filter(email="nuova.docente@example.org").exists()


def test_codice_inesistente_rifiutato(client):
    risposta = _registrazione(client, ruolo="scuola", scuola="BOXX99999Z")
    assert risposta.status_code == 200
    assert "Nessuna scuola corrisponde" in risposta.content.decode()
    assert not User.objects.exists()


def _conferma(client, email: str = "nuova.docente@example.org") -> None:
    indirizzo = EmailAddress.objects.get(email=email)
    client.post(reverse("account_confirm_email", kwargs={"key": EmailConfirmationHMAC(indirizzo).key}))


def test_la_nuova_organizzazione_della_registrazione_nasce_solo_con_l_email_verificata(client, staff):
    _registrazione(
        client,
        ruolo="organizzazione",
        nuova_organizzazione_nome="Officina Nuova S.r.l.",
        nuova_organizzazione_cf="00488410010",
    )
    # Before the verification: no organisation in the network, no request, only the verification mail.
    assert not Organizzazione.objects.filter(codice_fiscale="00488410010").exists()
    assert not ReferenteOrganizzazione.objects.exists()
    assert [m.to for m in mail.outbox] == [["nuova.docente@example.org"]]
    mail.outbox.clear()
    _conferma(client)
    referenza = ReferenteOrganizzazione.objects.get(utente__email="nuova.docente@example.org")
    assert referenza.stato == StatoIncarico.RICHIESTO
    org = referenza.organizzazione
    assert (org.nome, org.codice_fiscale, org.pubblica) == ("Officina Nuova S.r.l.", "00488410010", False)
    assert not Organizzazione.objects.pubbliche().filter(pk=org.pk).exists()  # invisible until approved
    # The approvers hear of it now, with the organisation created.
    assert "staff@example.org" in [m.to[0] for m in mail.outbox]
    _conferma(client)  # a second confirmation creates nothing more
    assert Organizzazione.objects.filter(codice_fiscale="00488410010").count() == 1


def test_registrazione_mai_verificata_non_lascia_organizzazioni(client):
    _registrazione(
        client,
        ruolo="organizzazione",
        nuova_organizzazione_nome="Officina Fantasma S.r.l.",
        nuova_organizzazione_cf="00488410010",
    )
    User.objects.get(email="nuova.docente@example.org").delete()
    assert not Organizzazione.objects.filter(codice_fiscale="00488410010").exists()


def test_codice_fiscale_preso_nel_frattempo_diventa_richiesta_per_quella_organizzazione(client):
    from tests.factories import OrganizzazioneFactory

    _registrazione(
        client,
        ruolo="organizzazione",
        nuova_organizzazione_nome="Officina Nuova S.r.l.",
        nuova_organizzazione_cf="00488410010",
    )
    altra = OrganizzazioneFactory(nome="Officina registrata prima", codice_fiscale="00488410010")
    _conferma(client)
    assert Organizzazione.objects.filter(codice_fiscale="00488410010").get() == altra
    referenza = ReferenteOrganizzazione.objects.get(utente__email="nuova.docente@example.org")
    assert referenza.organizzazione == altra and referenza.stato == StatoIncarico.RICHIESTO


def test_partita_iva_errata_per_nuova_organizzazione(client):
    risposta = _registrazione(
        client, ruolo="organizzazione", nuova_organizzazione_nome="X", nuova_organizzazione_cf="00488410011"
    )
    assert risposta.status_code == 200
    assert not Organizzazione.objects.filter(nome="X").exists()


def test_referente_chiede_un_altro_ruolo_dal_profilo(client, referente_a, scuola_b, staff, ufficio_b):
    entra(client, referente_a)
    risposta = client.post(
        reverse("utenti:richiedi_ruolo"), {"ruolo": "scuola", "scuola": scuola_b.codice_meccanografico}
    )
    assert risposta.status_code == 302
    assert referente_a.incarichi.filter(stato=StatoIncarico.RICHIESTO, scuola=scuola_b).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "referente_a@example.org",
        "staff@example.org",
        "ufficio_b@example.org",
    ]
    # The same request twice is refused with a message, not a crash.
    risposta = client.post(
        reverse("utenti:richiedi_ruolo"), {"ruolo": "scuola", "scuola": scuola_b.codice_meccanografico}
    )
    assert risposta.status_code == 200
    assert "in attesa di approvazione" in risposta.content.decode()


def _richiesta(ruolo="scuola", **kwargs):
    return IncaricoFactory(ruolo=ruolo, stato=StatoIncarico.RICHIESTO, deciso_il=None, **kwargs)


def test_ufficio_approva_referente_della_sua_scuola_e_il_richiedente_riceve_email(
    client, ufficio_a, scuola_a
):
    richiesta = _richiesta(scuola=scuola_a)
    entra(client, ufficio_a)
    pagina = client.get(reverse("utenti:richieste"))
    assert richiesta.utente.email in pagina.content.decode()
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    assert client.post(url, {"esito": "approva"}).status_code == 302
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoIncarico.APPROVATO and richiesta.deciso_da == ufficio_a
    assert ambito_di(User.objects.get(pk=richiesta.utente_id)).scuole == {scuola_a.pk}
    (messaggio,) = mail.outbox
    assert messaggio.to == [richiesta.utente.email] and "Ruolo approvato" in messaggio.subject


def test_rifiuto_richiede_motivazione_che_arriva_al_richiedente(client, staff, scuola_a):
    richiesta = _richiesta(scuola=scuola_a)
    entra(client, staff)
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    client.post(url, {"esito": "rifiuta", "nota": ""})
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoIncarico.RICHIESTO and not mail.outbox
    client.post(url, {"esito": "rifiuta", "nota": "Non risulta tra i docenti della scuola."})
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoIncarico.RIFIUTATO
    assert "Non risulta tra i docenti" in mail.outbox[0].body


def test_ufficio_di_altro_distretto_non_vede_la_richiesta(client, ufficio_b, scuola_a):
    richiesta = _richiesta(scuola=scuola_a)
    entra(client, ufficio_b)
    assert richiesta.utente.email not in client.get(reverse("utenti:richieste")).content.decode()
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    assert client.post(url, {"esito": "approva"}).status_code == 404


@pytest.mark.parametrize("ruolo", ["distretto", "staff"])
def test_ruoli_di_ufficio_e_staff_solo_dallo_staff(client, ufficio_a, staff, distretto_a, ruolo):
    richiesta = _richiesta(ruolo=ruolo, scuola=None, distretto=distretto_a if ruolo == "distretto" else None)
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    entra(client, ufficio_a)
    assert client.post(url, {"esito": "approva"}).status_code == 404
    entra(client, staff)
    assert client.post(url, {"esito": "approva"}).status_code == 302
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoIncarico.APPROVATO
    if ruolo == "staff":
        richiesta.utente.refresh_from_db()
        assert richiesta.utente.is_staff


def test_nessuno_approva_la_propria_richiesta(client, ufficio_a, scuola_a):
    richiesta = _richiesta(scuola=scuola_a, utente=ufficio_a)
    entra(client, ufficio_a)
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    assert client.post(url, {"esito": "approva"}).status_code == 404


def test_richiesta_di_organizzazione_decisa_dall_ufficio_del_comune(
    client, ufficio_a, ufficio_b, organizzazione
):
    referenza = ReferenteOrganizzazione.objects.create(utente=UserFactory(), organizzazione=organizzazione)
    url = reverse("utenti:decidi", kwargs={"tipo": "referente", "pk": referenza.pk})
    entra(client, ufficio_b)
    assert client.post(url, {"esito": "approva"}).status_code == 404
    entra(client, ufficio_a)
    assert client.post(url, {"esito": "approva"}).status_code == 302
    referenza.refresh_from_db()
    assert referenza.stato == StatoIncarico.APPROVATO


def test_richiesta_gia_decisa_non_si_decide_due_volte(client, staff, superuser, scuola_a):
    richiesta = _richiesta(scuola=scuola_a)
    url = reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk})
    entra(client, staff)
    client.post(url, {"esito": "approva"})
    entra(client, superuser)
    risposta = client.post(url, {"esito": "rifiuta", "nota": "tardi"}, follow=True)
    assert "già stata decisa" in risposta.content.decode()
    richiesta.refresh_from_db()
    assert richiesta.stato == StatoIncarico.APPROVATO and len(mail.outbox) == 1


def test_coda_delle_richieste_con_numero_di_query_costante(
    client, staff, scuola_a, django_assert_max_num_queries
):
    for _ in range(15):
        _richiesta(scuola=ScuolaFactory(comune=scuola_a.comune))
    entra(client, staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("utenti:richieste")).status_code == 200


def test_ufficio_revoca_il_referente_di_una_sua_scuola(client, ufficio_a, ufficio_b, referente_a):
    incarico = referente_a.incarichi.get()
    url = reverse("utenti:revoca", kwargs={"tipo": "incarico", "pk": incarico.pk})
    entra(client, ufficio_b)
    assert client.post(url, {"nota": "x"}).status_code == 404
    entra(client, ufficio_a)
    assert referente_a.email in client.get(reverse("utenti:richieste")).content.decode()
    assert client.post(url, {"nota": "Ha lasciato la scuola."}).status_code == 302
    incarico.refresh_from_db()
    assert incarico.stato == StatoIncarico.REVOCATO and incarico.deciso_da == ufficio_a
    assert not ambito_di(User.objects.get(pk=referente_a.pk)).ha_ruolo
    (messaggio,) = mail.outbox
    assert messaggio.to == [referente_a.email] and "Ha lasciato la scuola." in messaggio.body


def test_revoca_del_ruolo_staff_toglie_l_accesso_all_admin(client, superuser, staff):
    incarico = staff.incarichi.get()
    entra(client, superuser)
    client.post(reverse("utenti:revoca", kwargs={"tipo": "incarico", "pk": incarico.pk}))
    staff.refresh_from_db()
    assert not staff.is_staff


def test_i_ruoli_attivi_da_revocare_sono_paginati_dal_piu_recente(
    client, ufficio_a, scuola_a, scuola_b, django_assert_max_num_queries
):
    import datetime

    from django.utils import timezone

    inizio = timezone.now() - datetime.timedelta(days=60)
    for n in range(30):
        IncaricoFactory(
            scuola=ScuolaFactory(comune=scuola_a.comune),
            stato=StatoIncarico.APPROVATO,
            richiesto_il=inizio + datetime.timedelta(days=n),
            utente__email=f"referente{n:02d}@example.org",
        )
    IncaricoFactory(scuola=scuola_b, stato=StatoIncarico.APPROVATO, utente__email="imola@example.org")
    entra(client, ufficio_a)
    client.get(reverse("utenti:richieste"))  # the first request also checks MFA and saves the session
    # session, user, roles, two COUNTs and two page reads, the two pending-request queries
    with django_assert_max_num_queries(9):
        prima = client.get(reverse("utenti:richieste")).content.decode()
    seconda = client.get(reverse("utenti:richieste"), {"pagina": 2}).content.decode()
    assert "Pagina 1 di 2" in prima and "Pagina 2 di 2" in seconda
    assert prima.index("referente29@") < prima.index("referente05@")  # newest first
    assert "referente04@" not in prima and "referente04@" in seconda and "referente05@" not in seconda
    assert "imola@example.org" not in prima + seconda  # another district's role
