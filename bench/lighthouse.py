"""`make bench`, browser side: Lighthouse (npm, pinned by bench/lighthouse/package-lock.json) on the public
pages of a visitor's walk, with the system Chromium, mobile profile (Lighthouse's default: simulated 4G
and a mid-range phone), against gunicorn with production settings (DEBUG off, collectstatic with
WhiteNoise's compressed, hashed files, Redis page cache, HTML gzipped as the deployment's nginx does:
bench/settings_lighthouse.py) on the bench database of bench/run.py.

Prints per page: performance score, LCP, TBT, CLS, bytes transferred, unused JS/CSS and the
accessibility, best-practices and SEO scores, each against the targets of issue 21 (performance >= 95,
LCP <= 2.0 s, <= 200 KiB, CLS <= 0.05, the other three categories 100), and saves the table as JSON in
bench/results/. Each page is loaded once before it is measured, so Lighthouse sees the cached page a
visitor gets (its own run is a cold browser cache: a first visit).

Options: --solo TEXT (only pages whose name contains TEXT), --senza-demo (do not load the large demo
data: measure on what the database holds), --ripetizioni N (runs per page, the median is reported).
Environment: as bench/run.py (BENCH_DATABASE_URL, BENCH_REDIS_URL), CHROME_PATH (default: `chromium`
on the PATH, else /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RADICE))

from bench import run  # noqa: E402  (the bench's database, demo data and gunicorn)

LIGHTHOUSE = RADICE / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIE = ("performance", "accessibility", "best-practices", "seo")
# metric: (label, limit, True when higher is better)
OBIETTIVI = {
    "performance": ("perf", 95, True),
    "lcp_s": ("LCP s", 2.0, False),
    "tbt_ms": ("TBT ms", None, False),
    "cls": ("CLS", 0.05, False),
    "kib": ("KiB", 200, False),
    "js_inutile_kib": ("JS unused KiB", None, False),
    "css_inutile_kib": ("CSS unused KiB", None, False),
    "accessibility": ("a11y", 100, True),
    "best-practices": ("b.p.", 100, True),
    "seo": ("SEO", 100, True),
}


def _pagine() -> list[tuple[str, str]]:
    """The visitor's walk of issue 21 (paths resolved on the bench database)."""
    from bench import pagine as p

    return [
        ("home", "/"),
        ("festival", "/festival/"),
        ("festival: eventi", "/festival/eventi/"),
        ("festival: evento", p._evento_pubblicato()),
        ("progetti: vetrina", "/progetti/"),
        ("progetti: progetto", p._progetto_pubblicato()),
        ("distretti", "/territorio/"),
        ("distretto", p._distretto_piu_grande()),
        ("rete: organizzazioni", "/rete/"),
        ("newsletter", "/newsletter/"),
    ]


def _chromium() -> str:
    percorso = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(percorso).exists():
        raise SystemExit("Chromium is missing: sudo apt-get install -y chromium (make deps-system)")
    return percorso


# On a busy machine Lighthouse now and then fails to record the trace (NO_NAVSTART, "Please run Lighthouse
# again"): such a run measured nothing, so it is repeated, a few times at most.
TENTATIVI = 3


def _lighthouse(url: str, chromium: str) -> dict:
    for tentativo in range(1, TENTATIVI + 1):
        with tempfile.TemporaryDirectory() as cartella:
            uscita = Path(cartella) / "lhr.json"
            esito = subprocess.run(
                [
                    "node",
                    str(LIGHTHOUSE),
                    url,
                    "--quiet",
                    "--output=json",
                    f"--output-path={uscita}",
                    f"--only-categories={','.join(CATEGORIE)}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
                ],
                env={**os.environ, "CHROME_PATH": chromium},
                timeout=300,
            )
            lhr = json.loads(uscita.read_text(encoding="utf-8")) if uscita.exists() else {}
        errore = (lhr.get("runtimeError") or {}).get("code")
        errore = errore or (esito.returncode and f"exit status {esito.returncode}")
        if not errore and lhr:
            break
        run._log(f"Lighthouse on {url}, attempt {tentativo} of {TENTATIVI}: {errore or 'no report'}")
    else:
        raise SystemExit(f"Lighthouse on {url} failed {TENTATIVI} times: {errore or 'no report'}")
    audit = lhr["audits"]

    def risparmio(nome: str) -> float:
        return (audit[nome].get("details") or {}).get("overallSavingsBytes", 0) / 1024

    misure = {c: round((lhr["categories"][c]["score"] or 0) * 100) for c in CATEGORIE}
    misure.update(
        lcp_s=audit["largest-contentful-paint"]["numericValue"] / 1000,
        tbt_ms=audit["total-blocking-time"]["numericValue"],
        cls=audit["cumulative-layout-shift"]["numericValue"],
        kib=audit["total-byte-weight"]["numericValue"] / 1024,
        js_inutile_kib=risparmio("unused-javascript"),
        css_inutile_kib=risparmio("unused-css-rules"),
    )
    return misure


def _mediana(misure: list[dict]) -> dict:
    return {chiave: statistics.median(m[chiave] for m in misure) for chiave in misure[0]}


def _fuori_obiettivo(misure: dict) -> list[str]:
    fuori = []
    for chiave, (etichetta, limite, piu_alto) in OBIETTIVI.items():
        if limite is not None and (misure[chiave] < limite if piu_alto else misure[chiave] > limite):
            fuori.append(etichetta)
    return fuori


def _tabella(righe: list[dict]) -> str:
    intestazione = ["page", *(etichetta for etichetta, _, _ in OBIETTIVI.values()), "targets"]
    celle = [intestazione]
    for riga in righe:
        m = riga["misure"]
        fuori = _fuori_obiettivo(m)
        celle.append(
            [
                riga["nome"],
                f"{m['performance']:.0f}",
                f"{m['lcp_s']:.2f}",
                f"{m['tbt_ms']:.0f}",
                f"{m['cls']:.3f}",
                f"{m['kib']:.0f}",
                f"{m['js_inutile_kib']:.0f}",
                f"{m['css_inutile_kib']:.0f}",
                f"{m['accessibility']:.0f}",
                f"{m['best-practices']:.0f}",
                f"{m['seo']:.0f}",
                "ok" if not fuori else "MISSED: " + ", ".join(fuori),
            ]
        )
    larghezze = [max(len(r[i]) for r in celle) for i in range(len(intestazione))]

    def riga_testo(r: list[str]) -> str:
        allineate = [
            c.ljust(w) if i in (0, len(r) - 1) else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, larghezze, strict=True))
        ]
        return "  ".join(allineate)

    return "\n".join(riga_testo(r) for r in celle)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solo", default="")
    parser.add_argument("--senza-demo", action="store_true")
    parser.add_argument("--ripetizioni", type=int, default=1)
    argomenti = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: cd bench/lighthouse && npm ci (make bench does it)")
    chromium = _chromium()

    # The HTML compressed as nginx sends it (bench/settings_lighthouse.py), for this process and gunicorn.
    run.AMBIENTE["DJANGO_SETTINGS_MODULE"] = "bench.settings_lighthouse"
    os.environ.update(run.AMBIENTE)
    run._crea_database()
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if not argomenti.senza_demo:
        run._carica_demo()
    run._log("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()

    pagine = [(n, p) for n, p in _pagine() if argomenti.solo in n]
    porta = run._porta_libera()
    base = f"http://127.0.0.1:{porta}"
    run._log(f"gunicorn on {base}; Lighthouse {argomenti.ripetizioni}x on {len(pagine)} pages ({chromium})")
    gunicorn = run._avvia_gunicorn(porta)
    righe = []
    try:
        for nome, percorso in pagine:
            with urllib.request.urlopen(base + percorso, timeout=30) as risposta:  # fills the page cache
                risposta.read()
            misure = [_lighthouse(base + percorso, chromium) for _ in range(argomenti.ripetizioni)]
            righe.append({"nome": nome, "percorso": percorso, "misure": _mediana(misure), "tutte": misure})
            run._log(f"{nome}: performance {righe[-1]['misure']['performance']:.0f}")
    finally:
        run._ferma(gunicorn)

    print()
    print(_tabella(righe))
    run.RISULTATI.mkdir(exist_ok=True)
    quando = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    file = run.RISULTATI / f"lighthouse-{quando}.json"
    file.write_text(json.dumps(righe, indent=2), encoding="utf-8")
    run._log(f"saved {file.relative_to(RADICE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
