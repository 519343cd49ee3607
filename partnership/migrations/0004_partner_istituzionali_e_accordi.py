"""Load the institutional partners and the two agreements named in the seed document."""

import datetime

from django.db import migrations

PARTNER = [
    (
        "Regione Emilia-Romagna",
        "regione-emilia-romagna",
        "ente_pubblico",
        "https://www.regione.emilia-romagna.it/",
        "Firmataria dell'accordo attuativo con la Città metropolitana (maggio 2017).",
    ),
    (
        "ART-ER – Aster e associazioni Clust-ER",
        "art-er-aster-clust-er",
        "altro",
        "https://www.art-er.it/",
        "Raccordo con laboratori di ricerca industriale, imprese e start-up innovative, Fondazioni ITS.",
    ),
    (
        "Città metropolitana di Bologna – Area Sviluppo sociale",
        "citta-metropolitana-di-bologna-area-sviluppo-sociale",
        "ente_locale",
        "https://www.cittametropolitana.bo.it/",
        "Coordina la rete metropolitana per l'alternanza e l'assistenza tecnica ai distretti.",
    ),
    (
        "Piano Strategico Metropolitano – Organismi della governance",
        "piano-strategico-metropolitano-governance",
        "ente_pubblico",
        "",
        "Indirizzo strategico della rete nell'ambito del Piano Strategico Metropolitano.",
    ),
    (
        "Camera di Commercio, Industria, Artigianato e Agricoltura di Bologna",
        "camera-di-commercio-di-bologna",
        "ente_pubblico",
        "https://www.bo.camcom.gov.it/",
        "Registro per l'alternanza scuola-lavoro e raccordo con le imprese del territorio.",
    ),
    (
        "Ufficio Scolastico Regionale per l'Emilia-Romagna – Ufficio V",
        "usr-emilia-romagna-ufficio-v",
        "ente_pubblico",
        "https://www.istruzioneer.gov.it/",
        "Ambito territoriale di Bologna: raccordo con le istituzioni scolastiche.",
    ),
]


def carica(apps, schema_editor):
    Organizzazione = apps.get_model("partnership", "Organizzazione")
    Accordo = apps.get_model("partnership", "Accordo")
    Comune = apps.get_model("distretti", "Comune")
    Distretto = apps.get_model("distretti", "Distretto")
    bologna = Comune.objects.filter(nome="Bologna").first()
    org = {}
    for nome, slug, tipo, sito, ruolo in PARTNER:
        org[slug], _ = Organizzazione.objects.get_or_create(
            slug=slug,
            defaults={
                "nome": nome,
                "tipo": tipo,
                "sito_web": sito,
                "ruolo_rete": ruolo,
                "comune": bologna,
                "pubblica": True,
                "partner_istituzionale": True,
            },
        )
    cm = org["citta-metropolitana-di-bologna-area-sviluppo-sociale"]

    regione, creato = Accordo.objects.get_or_create(
        titolo="Accordo attuativo Città metropolitana – Regione Emilia-Romagna",
        defaults={
            "tipo": "accordo_attuativo",
            "stato": "firmato",
            "data_firma": datetime.date(2017, 5, 1),
            "valido_dal": datetime.date(2017, 5, 1),
            "note": "Firmato nel maggio 2017 (il documento di riferimento indica il mese, non il giorno).",
        },
    )
    if creato:
        regione.organizzazioni.add(cm, org["regione-emilia-romagna"])

    unioni, creato = Accordo.objects.get_or_create(
        titolo="Accordo attuativo Città metropolitana – Unioni – Comuni",
        defaults={
            "tipo": "accordo_attuativo",
            "stato": "in_definizione",
            "note": "In via di definizione con le Unioni e i Comuni dei sette distretti.",
        },
    )
    if creato:
        unioni.organizzazioni.add(cm)
        unioni.distretti.add(*Distretto.objects.all())


def rimuovi(apps, schema_editor):
    Organizzazione = apps.get_model("partnership", "Organizzazione")
    Accordo = apps.get_model("partnership", "Accordo")
    Accordo.objects.filter(
        titolo__in=[
            "Accordo attuativo Città metropolitana – Regione Emilia-Romagna",
            "Accordo attuativo Città metropolitana – Unioni – Comuni",
        ]
    ).delete()
    Organizzazione.objects.filter(slug__in=[p[1] for p in PARTNER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnership", "0003_accordi_partnership_convenzioni_offerte"),
        ("distretti", "0002_carica_territorio"),
    ]

    operations = [migrations.RunPython(carica, rimuovi)]
