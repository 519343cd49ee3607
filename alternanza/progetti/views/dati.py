"""Open data at stable URLs: CSV / JSON of each dataset, the Frictionless data package, DCAT-AP_IT."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from alternanza.progetti import opendata

_TIPI = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


@require_safe
def dati(request):
    return render(
        request,
        "progetti/dati.html",
        {"dataset": opendata.DATASET.values(), "licenza": opendata.LICENZA},
    )


def _file(nome: str, formato: str):
    @require_safe
    def vista(request):
        dataset = opendata.DATASET.get(nome)
        if dataset is None or formato not in _TIPI:
            raise Http404
        percorso = opendata.percorso_file(nome, formato)
        if default_storage.exists(percorso):
            risposta: StreamingHttpResponse = FileResponse(
                default_storage.open(percorso, "rb"), content_type=_TIPI[formato]
            )
            risposta["Last-Modified"] = http_date(default_storage.get_modified_time(percorso).timestamp())
        else:
            # No export yet (first run): stream it live once and queue the stored one.
            opendata.richiedi_aggiornamento()
            generatore = opendata.csv_a_blocchi if formato == "csv" else opendata.json_a_blocchi
            # A HEAD (link checkers, harvesters on dcat:downloadURL) gets the headers without the rows.
            corpo = iter(()) if request.method == "HEAD" else generatore(dataset)
            risposta = StreamingHttpResponse(corpo, content_type=_TIPI[formato])
        risposta["Content-Disposition"] = f'inline; filename="{nome}.{formato}"'
        risposta["Link"] = f'<{opendata.LICENZA["path"]}>; rel="license"'
        risposta["Access-Control-Allow-Origin"] = "*"
        risposta["Cache-Control"] = "public, max-age=3600"
        return risposta

    vista.__name__ = f"dati_{nome}_{formato}"
    return vista


dati_progetti_csv = _file("progetti", "csv")
dati_progetti_json = _file("progetti", "json")
dati_partnership_csv = _file("partnership", "csv")
dati_partnership_json = _file("partnership", "json")
dati_indicatori_csv = _file("indicatori", "csv")
dati_indicatori_json = _file("indicatori", "json")


@require_safe
def datapackage(request):
    risposta = JsonResponse(opendata.datapackage(), json_dumps_params={"ensure_ascii": False, "indent": 2})
    risposta["Access-Control-Allow-Origin"] = "*"
    return risposta


@require_safe
def catalogo_dcat(request):
    """DCAT-AP_IT catalogue (RDF/XML) with the mandatory fields of catalogue, datasets, distributions."""
    ora = timezone.now()
    dataset: list[dict[str, Any]] = []
    for d in opendata.DATASET.values():
        modificato = d.ultima_modifica() or ora
        dataset.append(
            {
                "d": d,
                "identificativo": f"{opendata.CODICE_IPA}:rete-alternanza-{d.nome}",
                "uri": opendata.url_assoluto("progetti:dati") + f"#{d.nome}",
                "modificato": modificato.date().isoformat(),
                "csv": d.url("csv"),
                "json": d.url("json"),
            }
        )
    contenuto = render(
        request,
        "progetti/dcat.rdf",
        {
            "dataset": dataset,
            "ipa": opendata.CODICE_IPA,
            "licenza": opendata.LICENZA,
            "catalogo_uri": opendata.url_assoluto("progetti:catalogo_dcat"),
            "home": opendata.url_assoluto("progetti:dati"),
            "modificato": max((x["modificato"] for x in dataset), default=ora.date().isoformat()),
            "email": settings.PORTALE.get("email_contatti", ""),
            "datapackage": opendata.url_assoluto("progetti:datapackage"),
        },
        content_type="application/rdf+xml; charset=utf-8",
    )
    contenuto["Access-Control-Allow-Origin"] = "*"
    return contenuto
