"""Helpers of the territory tests: registry CSV files generated in memory, and schools."""

from __future__ import annotations

import csv
import gzip
import io

import factory

from distretti.models import Comune, Livello, Scuola

COLONNE_PAR = [
    "ANNOSCOLASTICO",
    "AREAGEOGRAFICA",
    "REGIONE",
    "PROVINCIA",
    "CODICESCUOLA",
    "DENOMINAZIONESCUOLA",
    "INDIRIZZOSCUOLA",
    "CAPSCUOLA",
    "CODICECOMUNESCUOLA",
    "DESCRIZIONECOMUNE",
    "DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA",
    "INDIRIZZOEMAILSCUOLA",
    "INDIRIZZOPECSCUOLA",
    "SITOWEBSCUOLA",
]
# The state file: same columns plus the reference institution and the INDICAZIONESEDE… flags.
COLONNE_STAT = [
    *COLONNE_PAR[:4],
    "CODICEISTITUTORIFERIMENTO",
    "DENOMINAZIONEISTITUTORIFERIMENTO",
    *COLONNE_PAR[4:11],
    "INDICAZIONESEDEDIRETTIVO",
    "INDICAZIONESEDEOMNICOMPRENSIVO",
    *COLONNE_PAR[11:],
    "SEDESCOLASTICA",
]


def riga(codice: str, anno: int = 202324, **valori) -> dict[str, str]:
    """One registry row of a paritaria in Bologna (A944), overridable by column name."""
    base = {
        "ANNOSCOLASTICO": str(anno),
        "AREAGEOGRAFICA": "NORD EST",
        "REGIONE": "EMILIA ROMAGNA",
        "PROVINCIA": "BOLOGNA",
        "CODICESCUOLA": codice,
        "DENOMINAZIONESCUOLA": f"SCUOLA {codice}",
        "INDIRIZZOSCUOLA": "VIA DELLE SCUOLE 1",
        "CAPSCUOLA": "40100",
        "CODICECOMUNESCUOLA": "A944",
        "DESCRIZIONECOMUNE": "BOLOGNA",
        "DESCRIZIONETIPOLOGIAGRADOISTRUZIONESCUOLA": "SCUOLA INFANZIA NON STATALE",
        "INDIRIZZOEMAILSCUOLA": f"{codice.lower()}@example.org",
        "INDIRIZZOPECSCUOLA": "Non Disponibile",
        "SITOWEBSCUOLA": "Non Disponibile",
        "CODICEISTITUTORIFERIMENTO": "BOIC00000A",
        "DENOMINAZIONEISTITUTORIFERIMENTO": "IC DI PROVA",
        "INDICAZIONESEDEDIRETTIVO": "NO",
        "INDICAZIONESEDEOMNICOMPRENSIVO": "Non Disponibile",
        "SEDESCOLASTICA": "NO",
    }
    base.update(valori)
    return base


def csv_anagrafe(
    righe: list[dict], *, statale: bool = False, codifica: str = "utf-8", gz: bool = False
) -> bytes:
    """A registry CSV (as the Ministry writes it: comma, all fields quoted only when needed)."""
    colonne = COLONNE_STAT if statale else COLONNE_PAR
    testo = io.StringIO(newline="")
    scrittore = csv.DictWriter(testo, fieldnames=colonne, extrasaction="ignore", lineterminator="\n")
    scrittore.writeheader()
    scrittore.writerows(righe)
    dati = testo.getvalue().encode(codifica)
    return gzip.compress(dati) if gz else dati


class ScuolaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scuola
        django_get_or_create = ("codice_meccanografico",)

    codice_meccanografico = factory.Sequence(lambda n: f"BO1T{n:06d}")
    denominazione = factory.Sequence(lambda n: f"Scuola di prova {n}")
    indirizzo = "Via dei Mille 1"
    cap = "40121"
    comune = factory.LazyFunction(lambda: Comune.objects.get(nome="Bologna"))
    grado = "SCUOLA PRIMARIA NON STATALE"
    livello = Livello.PRIMARIA
    email = factory.LazyAttribute(lambda o: f"{o.codice_meccanografico.lower()}@example.org")
    ultimo_anno_anagrafe = 202324
