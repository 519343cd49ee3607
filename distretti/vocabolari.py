"""Names of the fixed vocabularies loaded by data migrations, marked for translation.

The thematic areas are database rows (distretti.territorio.AMBITI_TEMATICI, loaded by a data migration),
so makemessages cannot see them: they are repeated here with gettext_noop, which puts them in the project's
English catalog, and AmbitoTematico.__str__ translates them when shown. tests/test_traduzioni.py fails if
this list and the data drift apart. The S3 areas ("Clust-ER Agrifood", ...) are proper names and stay as
they are.
"""

from django.utils.translation import gettext_noop

AMBITI_TEMATICI = [
    gettext_noop("Cultura tecnica nei curricula della primaria e della secondaria di primo grado"),
    gettext_noop("Alternanza scuola-lavoro"),
    gettext_noop("Sviluppo di comunità tramite le competenze dei giovani"),
    gettext_noop("Educazione alla sicurezza sul lavoro"),
    gettext_noop(
        "Allineamento dei curricula alla Smart Specialisation Strategy (S3) della Regione Emilia-Romagna"
    ),
    gettext_noop(
        "Allineamento dell'offerta di istruzione ai trend dello sviluppo economico e sociale dei territori"
    ),
    gettext_noop("Valorizzazione delle competenze degli allievi stranieri o di origine straniera"),
    gettext_noop("Superamento del gap di genere in ambito tecnico e scientifico"),
    gettext_noop("Orientamento"),
    gettext_noop("Percorsi occupazionali"),
    gettext_noop("Festival della Cultura tecnica e altre iniziative di promozione"),
    gettext_noop("Informazione e comunicazione (newsletter)"),
    gettext_noop("Altri ambiti"),
]
