"""Pages of the partnership network (partnership.urls, mounted at /rete/).

Objects: `org_b` (non-public organisation in Imola = distretto_b), `partnership_a` (unpublished, district
A, with scuola_a and the shared `organizzazione`), `accordo_a` (party: district A, with a PDF),
`convenzione_a` (scuola_a – organizzazione, with a signed PDF), `offerta` (active offer of organizzazione).
"""

import datetime

from django.core.files.base import ContentFile

from alternanza.core.archivi import privato
from partnership import services
from partnership.models import InteresseOfferta, Organizzazione
from tests.factories import OrganizzazioneFactory, comune
from tests.matrice import AUTENTICATI, LOGIN, PUBBLICA, SOLO_POST, SOLO_STAFF, Azione, Voce, attesi
from tests.partnership.factories import (
    PDF_MINIMO,
    AccordoFactory,
    ConvenzioneFactory,
    OffertaFactory,
    PartnershipFactory,
)

PDF_MATRICE = "test-matrice/partnership.pdf"


def _pdf_condiviso() -> str:
    # One file on disk for every run: prepara() runs before every matrix test (in the private storage,
    # like every convenzione's PDF).
    if not privato.exists(PDF_MATRICE):
        privato.save(PDF_MATRICE, ContentFile(PDF_MINIMO))
    return PDF_MATRICE


def prepara(fx):
    fx.org_b = OrganizzazioneFactory(
        nome="Ceramiche Imolesi (riservata)", comune=comune("Imola"), pubblica=False
    )
    fx.partnership_a = PartnershipFactory(
        titolo="Partnership riservata del distretto A",
        distretti=[fx.distretto_a],
        scuole=[fx.scuola_a],
        organizzazioni=[fx.organizzazione],
    )
    fx.accordo_a = AccordoFactory(titolo="Protocollo del distretto A", distretti=[fx.distretto_a])
    fx.documento_a = fx.accordo_a.documenti.create(titolo="Testo firmato", file=_pdf_condiviso())
    fx.convenzione_a = ConvenzioneFactory(
        scuola=fx.scuola_a, organizzazione=fx.organizzazione, pdf_firmato=_pdf_condiviso()
    )
    fx.offerta = OffertaFactory(
        organizzazione=fx.organizzazione,
        data_inizio=datetime.date(2026, 1, 1),
        data_fine=datetime.date(2099, 1, 1),
    )
    fx.interesse_b = InteresseOfferta.objects.create(offerta=fx.offerta, scuola=fx.scuola_b, studenti=1)
    # A host proposed by scuola_a (district A), not yet checked by the office.
    fx.proposta_a = services.proponi_organizzazione(
        Organizzazione(nome="Officina proposta dalla scuola A", comune=comune("Bologna")), None, fx.scuola_a
    )


UFFICI = attesi(403, anonimo=LOGIN, ufficio_a=200, ufficio_b=200, staff=200, superuser=200)
SOLO_DISTRETTO_A = attesi(404, anonimo=LOGIN, ufficio_a=200, staff=200, superuser=200)

VOCI = [
    # The organisations autocomplete of the forms (the results are scoped: tests/core/test_scelta.py).
    Voce("partnership:cerca_organizzazioni", get=AUTENTICATI, query="q=ce"),
    # Public directory and published partnerships
    Voce("partnership:organizzazioni", get=PUBBLICA),
    Voce(
        "partnership:organizzazione",
        kwargs=lambda fx: {"slug": fx.org_b.slug},
        get=attesi(404, referente_b=200, ufficio_b=200, staff=200, superuser=200),
        nota="a non-public organisation of district B: its district (office, schools) and staff only",
    ),
    Voce("partnership:partnership_pubbliche", get=PUBBLICA),
    Voce(
        "partnership:partnership",
        kwargs=lambda fx: {"slug": fx.partnership_a.slug},
        get=attesi(404, referente_a=200, ufficio_a=200, referente_org=200, staff=200, superuser=200),
    ),
    # District office browsing and exports
    Voce("partnership:ufficio_organizzazioni", get=UFFICI),
    Voce("partnership:ufficio_organizzazioni_export", kwargs={"formato": "csv"}, get=UFFICI),
    Voce("partnership:ufficio_partnership", get=UFFICI),
    Voce("partnership:ufficio_partnership_export", kwargs={"formato": "xlsx"}, get=UFFICI),
    Voce("partnership:ufficio_accordi", get=UFFICI),
    Voce("partnership:ufficio_accordi_export", kwargs={"formato": "csv"}, get=UFFICI),
    # Management
    Voce(
        "partnership:organizzazione_nuova",
        get=SOLO_STAFF,
        post=[Azione("dati mancanti", dati={}, attesi=attesi(403, anonimo=LOGIN, staff=200, superuser=200))],
    ),
    Voce(
        "partnership:importa_organizzazioni",
        get=SOLO_STAFF,
        post=[Azione("senza file", dati={}, attesi=attesi(403, anonimo=LOGIN, staff=200, superuser=200))],
    ),
    Voce(
        "partnership:organizzazione_modifica",
        kwargs=lambda fx: {"slug": fx.organizzazione.slug},
        get=attesi(403, anonimo=LOGIN, referente_org=200, staff=200, superuser=200),
        post=[
            Azione(
                "salva profilo",
                dati={"nome": "Meccanica Emiliana S.p.A.", "tipo": "impresa", "profilo": "Nuovo profilo"},
                attesi=attesi(403, anonimo=LOGIN, referente_org=302, staff=302, superuser=302),
            )
        ],
    ),
    Voce("partnership:accordo_nuovo", get=SOLO_STAFF),
    Voce("partnership:accordo", kwargs=lambda fx: {"pk": fx.accordo_a.pk}, get=SOLO_DISTRETTO_A),
    Voce(
        "partnership:accordo_modifica",
        kwargs=lambda fx: {"pk": fx.accordo_a.pk},
        get=attesi(404, anonimo=LOGIN, ufficio_a=403, staff=200, superuser=200),
    ),
    Voce(
        "partnership:documento_accordo",
        kwargs=lambda fx: {"pk": fx.accordo_a.pk, "documento": fx.documento_a.pk},
        get=SOLO_DISTRETTO_A,
    ),
    Voce("partnership:partnership_nuova", get=SOLO_STAFF),
    Voce(
        "partnership:partnership_modifica",
        kwargs=lambda fx: {"slug": fx.partnership_a.slug},
        get=attesi(
            404, anonimo=LOGIN, referente_a=403, ufficio_a=403, referente_org=403, staff=200, superuser=200
        ),
    ),
    # Convenzioni
    Voce("partnership:convenzioni", get=AUTENTICATI),
    Voce(
        "partnership:convenzione_nuova",
        get=attesi(403, anonimo=LOGIN, referente_a=200, referente_b=200, staff=200, superuser=200),
    ),
    Voce(
        "partnership:convenzione",
        kwargs=lambda fx: {"pk": fx.convenzione_a.pk},
        get=attesi(
            404, anonimo=LOGIN, referente_a=200, ufficio_a=200, referente_org=200, staff=200, superuser=200
        ),
    ),
    Voce(
        "partnership:convenzione_modifica",
        kwargs=lambda fx: {"pk": fx.convenzione_a.pk},
        get=attesi(
            404, anonimo=LOGIN, referente_a=200, ufficio_a=403, referente_org=403, staff=200, superuser=200
        ),
    ),
    Voce(
        "partnership:convenzione_file",
        kwargs=lambda fx: {"pk": fx.convenzione_a.pk, "campo": "pdf_firmato"},
        get=attesi(
            404, anonimo=LOGIN, referente_a=200, ufficio_a=200, referente_org=200, staff=200, superuser=200
        ),
    ),
    # Offers of placements
    Voce("partnership:offerte", get=AUTENTICATI),
    Voce(
        "partnership:offerta_nuova",
        get=attesi(403, anonimo=LOGIN, referente_org=200, staff=200, superuser=200),
    ),
    Voce(
        "partnership:offerta",
        kwargs=lambda fx: {"pk": fx.offerta.pk},
        get=AUTENTICATI,
        post=[
            Azione(
                "manifesta interesse per scuola_a",
                dati=lambda fx: {"scuola": fx.scuola_a.pk, "studenti": 3},
                # referente_b's form only offers scuola_b: the choice is refused (200 with the error).
                attesi=attesi(403, anonimo=LOGIN, referente_a=302, referente_b=200),
            )
        ],
    ),
    Voce(
        "partnership:offerta_modifica",
        kwargs=lambda fx: {"pk": fx.offerta.pk},
        get=attesi(403, anonimo=LOGIN, referente_org=200, staff=200, superuser=200),
    ),
    Voce("partnership:mia_organizzazione", get=attesi(403, anonimo=LOGIN, referente_org=200)),
    Voce(
        "partnership:interesse_decidi",
        kwargs=lambda fx: {"pk": fx.offerta.pk, "interesse": fx.interesse_b.pk, "decisione": "accetta"},
        get=SOLO_POST,
        post=[
            Azione(
                "accetta con una nota",
                dati={"nota": "Benvenuti"},
                attesi=attesi(403, anonimo=LOGIN, referente_org=302, staff=302, superuser=302),
            )
        ],
    ),
    # Hosts proposed by schools and checked by the district office
    Voce(
        "partnership:proponi_organizzazione",
        get=attesi(403, anonimo=LOGIN, referente_a=200, referente_b=200),
        nota="on behalf of a school: staff, who have none, add organisations from the management page",
        post=[
            Azione(
                "dati mancanti",
                dati={},
                attesi=attesi(403, anonimo=LOGIN, referente_a=200, referente_b=200),
            )
        ],
    ),
    Voce("partnership:da_verificare", get=UFFICI),
    Voce(
        "partnership:proposta_correggi",
        kwargs=lambda fx: {"pk": fx.proposta_a.pk},
        get=attesi(403, anonimo=LOGIN, ufficio_a=200, ufficio_b=404, staff=200, superuser=200),
        post=[
            Azione(
                "corregge il nome",
                dati=lambda fx: {"nome": "Officina corretta", "tipo": "impresa", "comune_esterno": "Firenze"},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "partnership:proposta_conferma",
        kwargs=lambda fx: {"pk": fx.proposta_a.pk},
        get=SOLO_POST,
        post=[
            Azione(
                "conferma",
                dati={},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            )
        ],
    ),
    Voce(
        "partnership:proposta_unisci",
        kwargs=lambda fx: {"pk": fx.proposta_a.pk},
        get=SOLO_POST,
        post=[
            Azione(
                "unisce all'organizzazione condivisa",
                dati=lambda fx: {f"u{fx.proposta_a.pk}-tenuta_scelta": fx.organizzazione.pk},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            )
        ],
    ),
]
