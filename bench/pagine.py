"""The pages `make bench` measures. ADD YOUR PAGES HERE (one dict per page):

    {
        "nome": "vetrina progetti",              # shown in the table
        "percorso": "/progetti/",                 # a path, or a function () -> path that may query the
                                                  # bench database (Django is set up), e.g. a detail page
        "persona": None,                          # None = anonymous; or "staff", "ufficio", "referente",
                                                  # "referente_org" (bench/persone.py creates the user
                                                  # and a logged-in session cookie for wrk)
        "obiettivo": "pubblica",                  # optional: "pubblica" (>= 0.30 x floor, p99 <= 20 ms)
                                                  # or "riservata" (>= 0.05 x floor, p95 <= 100 ms);
                                                  # default: "pubblica" if anonymous, else "riservata"
    }

Functions run against the bench database after `carica_demo --scala grande`, so pick realistic objects
(e.g. the district with most schools, a project in the middle of the table), never create data here.
"""

from __future__ import annotations


def _distretto_piu_grande() -> str:
    from django.db.models import Count

    from distretti.models import Distretto

    distretto = Distretto.objects.annotate(n=Count("comuni__scuole")).order_by("-n").first()
    return distretto.get_absolute_url()


PAGINE: list[dict] = [
    {"nome": "home", "percorso": "/"},
    {"nome": "home (en)", "percorso": "/en/"},
    {"nome": "privacy", "percorso": "/privacy/"},
    {"nome": "distretti", "percorso": "/territorio/"},
    {"nome": "distretto più grande", "percorso": _distretto_piu_grande},
]
