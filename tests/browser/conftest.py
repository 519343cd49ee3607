"""Fixtures of the browser tests: the system Chromium driven by Playwright against pytest-django's
live server (static files served from the finders, so CSS and JS load as in production).

    @pytest.mark.browser
    def test_something(pagina, live_server):
        pagina.goto("/")                      # relative to the live server
        verifica_axe(pagina)                   # from tests.browser.aiuti

- `browser`: one headless Chromium for the whole session (/usr/bin/chromium; never `playwright install`).
- `contesto(**options)`: a factory of new browser contexts (e.g. java_script_enabled=False,
  viewport={"width": 360, "height": 740}, locale="en-GB"); all are closed after the test.
- `pagina`: a page in a fresh default context. Every page of a failed test is saved as a screenshot in
  tests/artifacts/<test name>-<n>.png.
- Tests using these fixtures use the live server, hence a transactional database (create data in the
  test body: it is committed and the server sees it); the rows loaded by data migrations (districts,
  comuni, thematic areas) are restored before each test (`con_dati_delle_migrazioni`, tests/conftest.py).
- Console errors (including Content-Security-Policy violations) are collected in `page.errori`;
  `verifica_console(page)` (tests/browser/aiuti.py) asserts there are none.
See tests/browser/pagine.py for how to add your public pages to the accessibility and HTML checks.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; Django would then refuse database access
# from the test body ("SynchronousOnlyOperation"). The test body is still synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTEFATTI = Path(__file__).resolve().parent.parent / "artifacts"
ARGOMENTI_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    esito = yield
    rapporto = esito.get_result()
    setattr(item, f"rapporto_{rapporto.when}", rapporto)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} not found: install the system Chromium (`sudo apt-get install -y chromium`, "
        "make test does it as root); never `playwright install`."
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGOMENTI_CHROMIUM
        )
        yield chromium
        chromium.close()


def _fallito(request) -> bool:
    return any(
        getattr(request.node, f"rapporto_{fase}", None) is not None
        and getattr(request.node, f"rapporto_{fase}").failed
        for fase in ("setup", "call")
    )


@pytest.fixture
def contesto(request, browser, live_server, con_dati_delle_migrazioni):
    """Factory of browser contexts on the live server: `ctx = contesto(java_script_enabled=False)`."""
    aperti = []

    def _nuovo(**opzioni):
        opzioni.setdefault("base_url", live_server.url)
        opzioni.setdefault("locale", "it-IT")
        ctx = browser.new_context(**opzioni)
        ctx.set_default_timeout(10_000)
        ctx.on("page", _osserva_console)
        ctx.route(f"{live_server.url}{settings.MEDIA_URL}**", _servi_media)
        aperti.append(ctx)
        return ctx

    yield _nuovo
    if _fallito(request):
        ARTEFATTI.mkdir(parents=True, exist_ok=True)
        nome = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])[:150]
        n = 0
        for ctx in aperti:
            for page in ctx.pages:
                n += 1
                try:
                    page.screenshot(path=str(ARTEFATTI / f"{nome}-{n}.png"), full_page=True)
                except Exception as exc:  # a crashed page must not hide the real failure
                    print(f"screenshot failed: {exc}")
    for ctx in aperti:
        ctx.close()


def _servi_media(route) -> None:
    """Public media as nginx serves them in production (deploy/nginx: `location /media/`): the files
    under MEDIA_ROOT, 404 for anything else. The Django server serves them only with DEBUG on."""
    radice = Path(settings.MEDIA_ROOT).resolve()
    relativo = unquote(urlsplit(route.request.url).path).removeprefix(settings.MEDIA_URL)
    file = (radice / relativo).resolve()
    if radice in file.parents and file.is_file():
        route.fulfill(path=str(file))
    else:
        route.fulfill(status=404, body="Not Found")


@pytest.fixture(autouse=True, scope="session")
def _urlconf_importato() -> None:
    """Import every view module before the first page: on a loaded machine the imports of the first
    request (6-8 s measured here) would otherwise eat the 10 s navigation timeout of whichever test
    runs first."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the property imports the URLconf and its views


@pytest.fixture(autouse=True, scope="session")
def _immagine_degli_eventi_di_prova() -> None:
    """The photo the event factory names (festival/eventi/prova.jpg), as a real file under MEDIA_ROOT."""
    from PIL import Image

    file = Path(settings.MEDIA_ROOT) / "festival" / "eventi" / "prova.jpg"  # tests/eventi/factories.py
    if not file.is_file():
        file.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1200, 675), (0, 102, 204)).save(file, "JPEG", quality=70)


def _osserva_console(page) -> None:
    page.errori = []
    page.on("console", lambda msg: page.errori.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errori.append(str(exc)))


@pytest.fixture
def pagina(contesto):
    """A page in a fresh default browser context (1280×800, JavaScript on, Italian locale)."""
    return contesto(viewport={"width": 1280, "height": 800}).new_page()
