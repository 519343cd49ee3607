"""`make bench`: throughput and latency of the portal's pages under gunicorn, against the framework floor.

1. creates (if missing) the PostgreSQL database `alternanza_bench`, migrates it and loads the large demo
   data set (`carica_demo --scala grande`) when the demo modules changed since the last load;
2. collectstatic, then gunicorn (DEBUG off, 2 sync workers, persistent connections, Redis cache) on
   127.0.0.1 and a free port, with bench/settings.py (the real URLs plus /_bench/floor);
3. wrk -t2 -d10s --latency on the floor and on every page of bench/pagine.py, 16 connections for the
   floor and public pages, 4 for reserved ones (logged-in pages get a session cookie), queries per
   request with the Django test client, the jobs of bench/lavori.py that need the server (LAVORI_HTTP),
   then the other jobs of bench/lavori.py;
4. prints one table and saves it as JSON in bench/results/.

Options: --durata SECONDS (default 10), --solo TEXT (only pages whose name contains TEXT),
--senza-demo (do not load demo data), --senza-lavori. Environment: BENCH_DATABASE_URL,
BENCH_REDIS_URL (default redis://127.0.0.1:6379/15, flushed at start: keep it for the bench only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RADICE = Path(__file__).resolve().parent.parent
BENCH = RADICE / "bench"
RISULTATI = BENCH / "results"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/alternanza_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
OBIETTIVI = {
    # kind of page: (minimum ratio to the floor or None, latency percentile, maximum ms, wrk connections)
    "pubblica": (0.30, "p99", 20.0, 16),
    # Reserved pages are rendered for each user: an absolute latency at the concurrency of a few offices.
    "riservata": (None, "p95", 100.0, 4),
}
CONNESSIONI_FLOOR = 16

AMBIENTE = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-" + "b" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "CACHE_KEY_PREFIX": "bench",
    "DB_CONN_MAX_AGE": "600",
    "CELERY_TASK_ALWAYS_EAGER": "true",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(RADICE),
}


def _log(messaggio: str) -> None:
    print(f"[bench] {messaggio}", flush=True)


def _crea_database() -> None:
    from urllib.parse import urlsplit

    import psycopg2
    from psycopg2 import sql

    parti = urlsplit(DATABASE_URL)
    nome = parti.path.lstrip("/")
    connessione = psycopg2.connect(
        host=parti.hostname,
        port=parti.port or 5432,
        user=parti.username,
        password=parti.password,
        dbname="postgres",
    )
    connessione.autocommit = True
    with connessione.cursor() as cursore:
        cursore.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nome])
        if not cursore.fetchone():
            _log(f"creating database {nome}")
            cursore.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nome)))
    connessione.close()


def _impronta_demo() -> str:
    """Fingerprint of the demo-data code: the large data set is reloaded when it changes."""
    h = hashlib.sha256()
    for percorso in sorted(RADICE.glob("*/demo.py")) + sorted(RADICE.glob("*/*/demo.py")):
        h.update(str(percorso.relative_to(RADICE)).encode() + percorso.read_bytes())
    comando = RADICE / "distretti" / "management" / "commands" / "carica_demo.py"
    if comando.exists():
        h.update(comando.read_bytes())
    return h.hexdigest()[:16]


def _carica_demo() -> None:
    from django.core.management import call_command, get_commands
    from django.db import connection

    if "carica_demo" not in get_commands():
        _log("carica_demo does not exist yet: measuring the pages on the data there is")
        return
    impronta = _impronta_demo()
    with connection.cursor() as cursore:
        cursore.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [connection.settings_dict["NAME"]],
        )
        commento = (cursore.fetchone() or [None])[0] or ""
    if commento == f"carica_demo grande {impronta}":
        _log("large demo data already loaded")
        return
    _log("loading the large demo data set (carica_demo --scala grande): this takes a while")
    inizio = time.perf_counter()
    call_command("carica_demo", scala="grande")
    _log(f"demo data loaded in {time.perf_counter() - inizio:.0f} s")
    with connection.cursor() as cursore:
        cursore.execute(
            f"COMMENT ON DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} IS %s",
            [f"carica_demo grande {impronta}"],
        )


def _porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _avvia_gunicorn(porta: int) -> subprocess.Popen:
    processo = subprocess.Popen(
        [
            GUNICORN,
            "alternanza.wsgi:application",
            f"--bind=127.0.0.1:{porta}",
            "--workers=2",
            "--worker-class=sync",
            "--log-level=warning",
            "--timeout=60",
        ],
        cwd=RADICE,
        env={**os.environ, **AMBIENTE},
        start_new_session=True,
    )
    scadenza = time.monotonic() + 60
    while time.monotonic() < scadenza:
        if processo.poll() is not None:
            raise SystemExit("gunicorn exited at start: see the messages above")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{porta}/_bench/floor", timeout=2) as risposta:
                if risposta.status == 200:
                    return processo
        except OSError:
            time.sleep(0.3)
    _ferma(processo)
    raise SystemExit("gunicorn did not answer within 60 s")


def _ferma(processo: subprocess.Popen) -> None:
    if processo.poll() is None:
        os.killpg(processo.pid, signal.SIGTERM)
        try:
            processo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(processo.pid, signal.SIGKILL)


def _wrk(url: str, durata: int, cookie: str | None, connessioni: int) -> dict:
    comando = [
        "wrk",
        "-t2",
        f"-c{connessioni}",
        f"-d{durata}s",
        "--latency",
        "-s",
        str(BENCH / "wrk_report.lua"),
    ]
    if cookie:
        comando += ["-H", f"Cookie: sessionid={cookie}"]
    esito = subprocess.run(comando + [url], capture_output=True, text=True, timeout=durata + 60, check=False)
    riga = next((r for r in esito.stdout.splitlines() if r.startswith("BENCH_JSON ")), None)
    if esito.returncode != 0 or riga is None:
        raise RuntimeError(f"wrk failed on {url}: {esito.stdout}\n{esito.stderr}")
    dati = json.loads(riga.removeprefix("BENCH_JSON "))
    secondi = dati["duration_us"] / 1e6
    return {
        "rps": dati["requests"] / secondi if secondi else 0.0,
        "p50": dati["p50_us"] / 1000,
        "p95": dati["p95_us"] / 1000,
        "p99": dati["p99_us"] / 1000,
        "richieste": dati["requests"],
        "errori": dati["errors"],
    }


def _scalda(url: str, cookie: str | None) -> int:
    """A few requests before measuring (fills caches, opens the persistent connections)."""
    stato = 0
    for _ in range(5):
        richiesta = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
        try:
            with urllib.request.urlopen(richiesta, timeout=30) as risposta:
                stato = risposta.status
        except urllib.error.HTTPError as exc:
            stato = exc.code
    return stato


def _query(percorso: str, cookie: str | None) -> tuple[int, int, int]:
    """(status, queries of the first request, queries of a repeated request) with the test client."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if cookie:
        client.cookies["sessionid"] = cookie
    cache.clear()
    with CaptureQueriesContext(connection) as freddo:
        risposta = client.get(percorso)
    with CaptureQueriesContext(connection) as caldo:
        client.get(percorso)
    return risposta.status_code, len(freddo), len(caldo)


def _esito(riga: dict, floor_rps: float) -> tuple[str, str]:
    minimo, percentile, massimo, connessioni = OBIETTIVI[riga["obiettivo"]]
    rapporto = riga["rps"] / floor_rps if floor_rps else 0.0
    riga["rapporto"] = rapporto
    obiettivo = f"{percentile}≤{massimo:.0f}ms c={connessioni}"
    ok = riga[percentile] <= massimo and riga["stato"] == 200 and riga["errori"] == 0
    if minimo is not None:
        obiettivo = f"≥{minimo:.2f}× " + obiettivo
        ok = ok and rapporto >= minimo
    return obiettivo, "PASS" if ok else "FAIL"


def _tabella(righe: list[dict]) -> str:
    intestazione = [
        "pagina",
        "persona",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "query",
        "× floor",
        "obiettivo",
        "esito",
    ]
    dati = [
        [
            r["nome"],
            r.get("persona") or "-",
            f"{r['rps']:.0f}",
            f"{r['p50']:.2f}",
            f"{r['p95']:.2f}",
            f"{r['p99']:.2f}",
            r.get("query_testo", "-"),
            f"{r.get('rapporto', 1):.2f}",
            r.get("obiettivo_testo", "-"),
            r.get("esito", "-"),
        ]
        for r in righe
    ]
    larghezze = [max(len(str(x)) for x in colonna) for colonna in zip(intestazione, *dati, strict=False)]
    linee = ["  ".join(str(x).ljust(w) for x, w in zip(intestazione, larghezze, strict=False))]
    linee.append("  ".join("-" * w for w in larghezze))
    linee += ["  ".join(str(x).ljust(w) for x, w in zip(riga, larghezze, strict=False)) for riga in dati]
    return "\n".join(linee)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durata", type=int, default=10)
    parser.add_argument("--solo", default="")
    parser.add_argument("--senza-demo", action="store_true")
    parser.add_argument("--senza-lavori", action="store_true")
    argomenti = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: sudo apt-get install -y wrk (make deps-system)")

    os.environ.update(AMBIENTE)
    sys.path.insert(0, str(RADICE))
    _crea_database()
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    _log("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    if not argomenti.senza_demo:
        _carica_demo()
    _log("collectstatic")
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()  # the bench's own Redis db: no page cached by a previous run

    from bench.lavori import LAVORI, LAVORI_HTTP
    from bench.pagine import PAGINE
    from bench.persone import cookie_di_sessione, utente_per

    porta = _porta_libera()
    base = f"http://127.0.0.1:{porta}"
    _log(f"gunicorn on {base} (2 sync workers), wrk -t2 -d{argomenti.durata}s")
    gunicorn = _avvia_gunicorn(porta)
    righe: list[dict] = []
    lavori: list[dict] = []
    try:
        _scalda(f"{base}/_bench/floor", None)
        floor = {
            "nome": "floor (/_bench/floor)",
            **_wrk(f"{base}/_bench/floor", argomenti.durata, None, CONNESSIONI_FLOOR),
        }
        floor["stato"] = 200
        righe.append(floor)
        _log(f"floor: {floor['rps']:.0f} req/s, p99 {floor['p99']:.2f} ms")
        for pagina in PAGINE:
            if argomenti.solo and argomenti.solo not in pagina["nome"]:
                continue
            persona = pagina.get("persona")
            riga = {
                "nome": pagina["nome"],
                "persona": persona,
                "obiettivo": pagina.get("obiettivo") or ("riservata" if persona else "pubblica"),
            }
            try:
                percorso = pagina["percorso"]() if callable(pagina["percorso"]) else pagina["percorso"]
                riga["percorso"] = percorso
                cookie = cookie_di_sessione(utente_per(persona)) if persona else None
                stato, freddo, caldo = _query(percorso, cookie)
                riga["query_testo"] = str(caldo) if freddo == caldo else f"{caldo} ({freddo} a freddo)"
                riga["query"], riga["query_a_freddo"] = caldo, freddo
                riga["stato"] = _scalda(base + percorso, cookie)
                connessioni = OBIETTIVI[riga["obiettivo"]][3]
                riga.update(_wrk(base + percorso, argomenti.durata, cookie, connessioni))
                riga["obiettivo_testo"], riga["esito"] = _esito(riga, floor["rps"])
                if riga["stato"] != 200:
                    riga["esito"] = f"FAIL (HTTP {riga['stato']})"
            except Exception as exc:  # one broken page must not hide the others' figures
                riga.update({"rps": 0.0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "esito": f"ERROR {exc!r}"[:80]})
            righe.append(riga)
            _log(f"{riga['nome']}: {riga['rps']:.0f} req/s, p99 {riga['p99']:.2f} ms, {riga.get('esito')}")
        # The jobs that need the server: the booking page under concurrent confirmations.
        for nome, funzione in LAVORI_HTTP if not argomenti.senza_lavori else []:
            if argomenti.solo and argomenti.solo not in nome:
                continue
            _log(f"job: {nome}")
            try:
                lavori.append({"nome": nome, "figure": funzione(base)})
            except Exception as exc:  # report and go on with the other jobs
                lavori.append({"nome": nome, "errore": repr(exc)})
    finally:
        _ferma(gunicorn)

    if not argomenti.senza_lavori:
        for nome, funzione in LAVORI:
            if argomenti.solo and argomenti.solo not in nome:
                continue
            _log(f"job: {nome}")
            try:
                lavori.append({"nome": nome, "figure": funzione()})
            except Exception as exc:  # report and go on with the other jobs
                lavori.append({"nome": nome, "errore": repr(exc)})

    carico = os.getloadavg()
    print()
    print(_tabella(righe))
    uno, cinque, quindici = carico
    print(
        f"\nCarico della macchina (1/5/15 min): {uno:.1f} {cinque:.1f} {quindici:.1f} su {os.cpu_count()} CPU"
    )
    if floor["p99"] > 20:
        print("Attenzione: il p99 del floor stesso supera 20 ms, la macchina è carica: i verdetti di")
        print("latenza non sono affidabili; i rapporti col floor (stessa esecuzione) sì, con cautela.")
    if lavori:
        print("\nLavori")
        for lavoro in lavori:
            figure = lavoro.get("figure")
            testo = (
                ", ".join(f"{k}: {v}" for k, v in figure.items()) if figure else f"ERRORE {lavoro['errore']}"
            )
            print(f"  {lavoro['nome']}: {testo}")
    RISULTATI.mkdir(exist_ok=True)
    quando = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=RADICE, capture_output=True, text=True, check=False
    ).stdout.strip()
    file = RISULTATI / f"bench-{quando}.json"
    file.write_text(
        json.dumps(
            {
                "carico": carico,
                "quando": quando,
                "commit": commit,
                "durata_s": argomenti.durata,
                "pagine": righe,
                "lavori": lavori,
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"\nRisultati: {file.relative_to(RADICE)}")
    return 0 if all(r.get("esito", "PASS") == "PASS" for r in righe) else 1


if __name__ == "__main__":
    sys.exit(main())
