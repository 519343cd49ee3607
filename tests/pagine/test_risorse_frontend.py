"""The built CSS and JavaScript in static/build/ (frontend/, `make assets`): committed, up to date with their
sources, and the only Bootstrap Italia the pages load."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

from alternanza.pagine.templatetags import risorse

RADICE = Path(__file__).resolve().parents[2]
FRONTEND = RADICE / "frontend"
BUILD = RADICE / "static" / "build"


def _sorgenti() -> dict[str, str]:
    """The same walk as frontend/build.mjs: every file under frontend/ but node_modules/ and dot files."""
    trovati = {}
    for percorso in sorted(FRONTEND.rglob("*")):
        relativo = percorso.relative_to(FRONTEND)
        if percorso.is_dir() or any(p == "node_modules" or p.startswith(".") for p in relativo.parts):
            continue
        trovati[percorso.relative_to(RADICE).as_posix()] = hashlib.sha256(percorso.read_bytes()).hexdigest()
    return trovati


def _manifesto() -> dict:
    return json.loads((BUILD / "manifest.json").read_text(encoding="utf-8"))


def test_la_build_committata_e_quella_dei_sorgenti_attuali():
    registrati = _manifesto()["sorgenti"]
    attuali = _sorgenti()
    cambiati = sorted(
        set(registrati) ^ set(attuali) | {p for p in attuali if registrati.get(p) != attuali[p]}
    )
    assert not cambiati, (
        f"static/build/ is older than its sources ({', '.join(cambiati)}): run `make assets` and commit "
        "static/build/"
    )


def test_ogni_file_del_manifesto_esiste_e_nessun_altro():
    file = _manifesto()["file"]
    presenti = {p.relative_to(BUILD).as_posix() for p in BUILD.rglob("*") if p.is_file()}
    assert presenti == set(file.values()) | {"manifest.json"}


def test_i_nomi_dei_file_costruiti_contengono_un_hash_del_contenuto():
    for nome in _manifesto()["file"].values():
        assert re.search(r"\.[0-9A-Za-z]{8,}\.(css|js|woff2|svg)$", nome), nome


def test_il_tag_risorsa_da_l_url_statico_del_file_con_hash():
    file = _manifesto()["file"]
    html = Template("{% load risorse %}{% risorsa 'portale.css' %}").render(Context())
    assert html == f"/static/build/{file['portale.css']}"


def test_il_tag_risorsa_rifiuta_un_nome_che_nessuna_build_produce():
    with pytest.raises(TemplateSyntaxError, match="make assets"):
        Template("{% load risorse %}{% risorsa 'jquery.js' %}").render(Context())


def test_il_tag_risorsa_rilegge_il_manifesto_quando_cambia(tmp_path, monkeypatch):
    manifesto = tmp_path / "manifest.json"
    manifesto.write_text(json.dumps({"file": {"a.css": "a.111111111111.css"}}))
    monkeypatch.setattr(risorse, "MANIFESTO", manifesto)
    assert risorse.risorsa("a.css") == "/static/build/a.111111111111.css"
    manifesto.write_text(json.dumps({"file": {"a.css": "a.222222222222.css"}}))
    os.utime(manifesto, ns=(1, 2))  # a different mtime, as a rebuild gives
    assert risorse.risorsa("a.css") == "/static/build/a.222222222222.css"


@pytest.mark.django_db
def test_le_pagine_caricano_la_build_e_non_il_pacchetto_intero(client):
    html = client.get("/").content.decode()
    file = _manifesto()["file"]
    assert f'href="/static/build/{file["portale.css"]}"' in html
    assert f'<script type="module" src="/static/build/{file["bootstrap-italia.js"]}"></script>' in html
    assert "bootstrap-italia.min.css" not in html and "bundle.min.js" not in html
    # No render-blocking script: every classic script is deferred.
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "defer" in script or 'type="module"' in script or "application/ld+json" in script, script


def test_i_template_non_aggiungono_fogli_di_stile_propri():
    """Every stylesheet of the pages is in the one built portale.css (frontend/scss/portale/): a <link> of
    its own would be one more render-blocking request before the first paint on a phone. The exceptions:
    senza-js.css inside <noscript> (fetched only without JavaScript) and the reserved reports' pages."""
    ammessi = {"{% risorsa 'portale.css' %}", "{% static 'css/senza-js.css' %}"}
    trovati = {}
    for percorso in RADICE.glob("**/templates/**/*.html"):
        if {".venv", "node_modules"} & set(percorso.parts) or "report" in percorso.parts:
            continue
        for href in re.findall(r'rel="stylesheet" href="([^"]+)"', percorso.read_text(encoding="utf-8")):
            trovati.setdefault(href, []).append(percorso.relative_to(RADICE).as_posix())
    assert set(trovati) <= ammessi, {h: p for h, p in trovati.items() if h not in ammessi}
    assert "{% risorsa 'portale.css' %}" in trovati


def _icone_usate() -> set[str]:
    """Every `#it-…` icon the templates and the portal's JavaScript ask the sprite for."""
    file = [*RADICE.glob("**/templates/**/*.html"), *FRONTEND.glob("js/*.js")]
    usate = set()
    for percorso in file:
        if ".venv" in percorso.parts or "node_modules" in percorso.parts:
            continue
        usate |= set(re.findall(r"#(it-[a-z0-9-]+)", percorso.read_text(encoding="utf-8")))
    return usate


def test_lo_sprite_ha_tutte_e_sole_le_icone_usate():
    dichiarate = set(json.loads((FRONTEND / "icone.json").read_text(encoding="utf-8"))["icone"])
    sprite = (BUILD / _manifesto()["file"]["sprites.svg"]).read_text(encoding="utf-8")
    assert _icone_usate() == dichiarate, "frontend/icone.json must list the icons the templates use"
    assert set(re.findall(r'<symbol id="([^"]+)"', sprite)) == dichiarate
