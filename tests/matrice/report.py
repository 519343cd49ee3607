"""Reports for the governance bodies (alternanza.report.urls): staff everything, district offices their
district (another district's report → 404), other roles 403, governance bodies through a signed link."""

from django.core.files.base import ContentFile

from tests.matrice import LOGIN, PUBBLICA, SOLO_STAFF, Azione, Voce, attesi

# Staff and both district offices reach the section; coordinators and organisation contacts do not.
SEZIONE = attesi(403, anonimo=LOGIN, ufficio_a=200, ufficio_b=200, staff=200, superuser=200)
# A report of district A: its office and staff see it, the office of B gets 404.
JOB_A = attesi(403, anonimo=LOGIN, ufficio_a=200, ufficio_b=404, staff=200, superuser=200)
SOLO_POST_LOGIN = attesi(405, anonimo=LOGIN)


def prepara(fx):
    from alternanza.report import servizi
    from alternanza.report.models import InvioReport, OrganoGovernance, ReportJob, StatoJob, TipoReport

    fx.job_a = ReportJob.objects.create(
        tipo=TipoReport.DISTRETTO,
        anno_scolastico="2025/26",
        distretto=fx.distretto_a,
        stato=StatoJob.COMPLETATO,
    )
    fx.job_a.file.save("matrice.pdf", ContentFile(b"%PDF-1.7 matrice"), save=False)
    fx.job_a.allegato.save("matrice.xlsx", ContentFile(b"PK matrice"), save=True)
    fx.organo = OrganoGovernance.objects.create(
        nome="Conferenza territoriale (matrice)",
        tipo=OrganoGovernance.Tipo.CONFERENZA,
        destinatari="c@example.org",
    )
    fx.invio = InvioReport.objects.create(job=fx.job_a, organo=fx.organo, destinatari="c@example.org")
    fx.token_documento = servizi.link_documento(fx.invio).rstrip("/").rsplit("/", 1)[-1]
    from alternanza.report.models import PianificazioneReport

    fx.pianificazione = PianificazioneReport.objects.create(
        nome="Mensile (matrice)", tipo=TipoReport.METROPOLITANO, frequenza="mensile"
    )


def _pianificazione(fx):
    return {"nome": "Nuova (matrice)", "tipo": "metropolitano", "frequenza": "mensile", "giorno": 1, "ora": 6}


def _organo(fx):
    return {"nome": "Organo (matrice)", "tipo": "altro", "destinatari": "o@example.org", "attivo": "on"}


def _richiesta(fx):
    from alternanza.report.forms import anni_disponibili

    return {"tipo": "distretto", "anno_scolastico": anni_disponibili()[0], "distretto": fx.distretto_a.pk}


VOCI = [
    Voce("report:elenco", get=SEZIONE),
    Voce("report:cruscotto", get=SEZIONE),
    Voce("report:cruscotto_grafico", kwargs={"nome": "progetti", "formato": "csv"}, get=SEZIONE),
    # The drill-down from a figure: the counted projects of the selection (offices: their district).
    Voce("report:cruscotto_progetti", get=SEZIONE),
    Voce(
        "report:nuovo",
        get=SEZIONE,
        post=[
            Azione(
                "report del distretto A",
                dati=lambda fx: _richiesta(fx),
                # The office of B cannot choose district A: the form answers with its error (200).
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=200, staff=302, superuser=302),
            ),
        ],
    ),
    Voce("report:job", kwargs=lambda fx: {"pk": fx.job_a.pk}, get=JOB_A),
    Voce("report:stato", kwargs=lambda fx: {"pk": fx.job_a.pk}, get=JOB_A),
    Voce("report:scarica", kwargs=lambda fx: {"pk": fx.job_a.pk}, get=JOB_A),
    Voce("report:allegato", kwargs=lambda fx: {"pk": fx.job_a.pk}, get=JOB_A),
    Voce(
        "report:rigenera",
        kwargs=lambda fx: {"pk": fx.job_a.pk},
        get=SOLO_POST_LOGIN,
        post=[
            Azione(
                "produci di nuovo",
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "report:invia",
        kwargs=lambda fx: {"pk": fx.job_a.pk},
        get=SOLO_POST_LOGIN,
        post=[
            Azione(
                "invia a un organo",
                dati=lambda fx: {"organi": [fx.organo.pk]},
                # Only staff send; the office of A sees the report but may not send it (403).
                attesi=attesi(403, anonimo=LOGIN, ufficio_b=404, staff=302, superuser=302),
            )
        ],
    ),
    Voce("report:documento", kwargs=lambda fx: {"token": fx.token_documento}, get=PUBBLICA),
    Voce(
        "report:nuovo_link",
        kwargs=lambda fx: {"token": fx.token_documento},
        get=attesi(405),
        # A link still valid: the request is not needed, the page sends the body to the document.
        post=[Azione("chiedi un nuovo link (link ancora valido)", attesi=attesi(302))],
    ),
    # Schedules and governance bodies: staff only.
    Voce("report:pianificazioni", get=SOLO_STAFF),
    Voce(
        "report:pianificazione_nuova",
        get=SOLO_STAFF,
        post=[
            Azione(
                "nuova pianificazione",
                dati=_pianificazione,
                attesi=attesi(403, anonimo=LOGIN, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "report:pianificazione",
        kwargs=lambda fx: {"pk": fx.pianificazione.pk},
        get=SOLO_STAFF,
        post=[
            Azione(
                "modifica pianificazione",
                dati=_pianificazione,
                attesi=attesi(403, anonimo=LOGIN, staff=302, superuser=302),
            )
        ],
    ),
    Voce("report:organi", get=SOLO_STAFF),
    Voce(
        "report:organo_nuovo",
        get=SOLO_STAFF,
        post=[
            Azione("nuovo organo", dati=_organo, attesi=attesi(403, anonimo=LOGIN, staff=302, superuser=302))
        ],
    ),
    Voce(
        "report:organo",
        kwargs=lambda fx: {"pk": fx.organo.pk},
        get=SOLO_STAFF,
        post=[
            Azione(
                "modifica organo", dati=_organo, attesi=attesi(403, anonimo=LOGIN, staff=302, superuser=302)
            )
        ],
    ),
]
