"""Helpers of the browser tests: accessibility (axe-core) and HTML validity (W3C Nu checker).

Both tools come from npm (tests/e2e/package.json, installed with `npm ci` in tests/e2e by `make test`);
vnu.jar runs on the system Java. Nothing is downloaded at test time.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

E2E = Path(__file__).resolve().parent.parent / "e2e"
AXE_JS = E2E / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = E2E / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REGOLE_WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_SUGGERIMENTO_NPM = "run `npm ci` in tests/e2e (make test does it)"


def _assert_presente(percorso: Path) -> None:
    assert percorso.exists(), f"{percorso} is missing: {_SUGGERIMENTO_NPM}"


def violazioni_axe(page) -> list[dict]:
    """Run axe-core on the page with the WCAG 2.1 A/AA rules and return its violations.

    axe is evaluated through the DevTools protocol, not added as a <script> tag, so the page's strict
    Content-Security-Policy stays in force during the test.
    """
    _assert_presente(AXE_JS)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    risultato = page.evaluate(
        "async (regole) => await axe.run(document, {runOnly: {type: 'tag', values: regole}})", REGOLE_WCAG
    )
    return risultato["violations"]


def descrivi_violazioni(violazioni: list[dict]) -> str:
    """One readable block per violated rule: rule, impact, help link and the offending nodes."""
    righe = []
    for v in violazioni:
        righe.append(f"- [{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for nodo in v["nodes"][:10]:
            righe.append(f"    at {' '.join(map(str, nodo['target']))}")
            righe.append(f"       {nodo['html'][:200]}")
            for riga in (nodo.get("failureSummary") or "").splitlines():
                righe.append(f"       {riga}")
        if len(v["nodes"]) > 10:
            righe.append(f"    … and {len(v['nodes']) - 10} more nodes")
    return "\n".join(righe)


def verifica_axe(page) -> None:
    """Assert that the page has no WCAG 2.1 A/AA violations according to axe-core."""
    violazioni = violazioni_axe(page)
    assert not violazioni, f"axe-core: {len(violazioni)} WCAG violations on {page.url}\n" + (
        descrivi_violazioni(violazioni)
    )


def errori_vnu(documenti: dict[str, str]) -> dict[str, list[str]]:
    """Validate HTML documents with the W3C Nu checker in ONE java run (the JVM start is slow).

    `documenti` maps a label (e.g. the URL) to the HTML text; returns label → list of error messages
    (only labels with errors are present).
    """
    _assert_presente(VNU_JAR)
    with tempfile.TemporaryDirectory(prefix="vnu-") as cartella:
        file_per_etichetta = {}
        for i, (etichetta, html) in enumerate(documenti.items()):
            percorso = Path(cartella) / f"pagina-{i:03d}.html"
            percorso.write_text(html, encoding="utf-8")
            file_per_etichetta[percorso.name] = etichetta
        esito = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
            + [str(Path(cartella) / nome) for nome in file_per_etichetta],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    # vnu writes its JSON report on stderr and exits 1 when it found errors.
    try:
        rapporto = json.loads(esito.stderr or esito.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"vnu.jar did not produce JSON: {esito.stdout}\n{esito.stderr}") from exc
    errori: dict[str, list[str]] = {}
    for messaggio in rapporto.get("messages", []):
        if messaggio.get("type") not in ("error", "non-document-error"):
            continue
        url = messaggio.get("url", "?")
        etichetta = file_per_etichetta.get(url.rsplit("/", 1)[-1], url)
        riga = messaggio.get("lastLine", "?")
        estratto = (messaggio.get("extract") or "").replace("\n", " ")[:160]
        errori.setdefault(etichetta, []).append(f"line {riga}: {messaggio['message']}  «{estratto}»")
    return errori


def verifica_console(page) -> None:
    """Assert the page logged no errors (failed loads, CSP violations, JavaScript exceptions)."""
    errori = getattr(page, "errori", [])
    assert not errori, "Console errors on " + page.url + ":\n" + "\n".join(errori)


def entra(ctx, live_server, utente) -> None:
    """Log `utente` into the browser context `ctx` (a session made by Django's test client)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(utente, backend="django.contrib.auth.backends.ModelBackend")
    sessione = client.cookies[settings.SESSION_COOKIE_NAME].value
    ctx.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": sessione, "url": live_server.url}])


def schermata(pagina, nome: str) -> None:
    """With SCHERMATE=<folder>, keep a full-page screenshot of this step (people look at them)."""
    import os

    cartella = os.environ.get("SCHERMATE")
    if cartella:
        Path(cartella).mkdir(parents=True, exist_ok=True)
        pagina.screenshot(path=str(Path(cartella) / f"{nome}.png"), full_page=True)
