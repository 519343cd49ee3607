"""deploy/nginx/nginx.conf: valid for Debian's nginx, and the portal behind it — TLS and HTTP/2, private
files through X-Accel-Redirect only, the client's address from X-Forwarded-For, body caps, static cache."""

from __future__ import annotations

import gzip
import socket
import ssl
import subprocess

import pytest

from tests.deploy.pila import avvia_pila, configurazione_nginx, porta_libera, sessione_di
from tests.partnership.factories import PDF_MINIMO, ConvenzioneFactory, pdf


def test_nginx_t_accetta_la_configurazione(tmp_path):
    conf = configurazione_nginx(tmp_path, porta_libera(), porta_libera(), [porta_libera()])
    esito = subprocess.run(  # noqa: S603 - fixed arguments
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True
    )
    assert esito.returncode == 0, esito.stderr
    assert "test is successful" in esito.stderr


@pytest.fixture
def pila(tmp_path, con_dati_delle_migrazioni):
    prefisso = tmp_path / "pila"
    pila = avvia_pila(
        prefisso,
        ambiente_nodi=[
            # One node whose private folder is the one nginx's internal location serves.
            {"MEDIA_PRIVATI_X_ACCEL": "/_privato/", "MEDIA_PRIVATI_ROOT": str(prefisso / "srv/privato")}
        ],
    )
    yield pila
    pila.ferma()


def test_il_portale_dietro_nginx(pila, settings, scuola_a, scuola_b):
    from alternanza.utenti.models import EventoSicurezza
    from tests.factories import referente_scuola

    # HTTP → HTTPS, except the load balancer's probe.
    with socket.create_connection(("127.0.0.1", pila.porta_http)) as s:
        s.sendall(b"GET /progetti/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert s.recv(200).startswith(b"HTTP/1.1 301")
    # HTTP/2 offered by ALPN.
    contesto = ssl.create_default_context()
    contesto.check_hostname, contesto.verify_mode = False, ssl.CERT_NONE
    contesto.set_alpn_protocols(["h2", "http/1.1"])
    grezzo = socket.create_connection(("127.0.0.1", pila.porta_https))
    with contesto.wrap_socket(grezzo, server_hostname="localhost") as tls:
        assert tls.selected_alpn_protocol() == "h2"

    stato, intestazioni, corpo = pila.richiesta("GET", "/account/login/")
    assert stato == 200 and b"<form" in corpo
    assert intestazioni["strict-transport-security"].startswith("max-age=")
    assert "server" not in intestazioni or "nginx/" not in intestazioni["server"]

    # A private file: the view checks, nginx sends it; its storage path answers 404 from outside.
    settings.MEDIA_PRIVATI_ROOT = pila.prefisso / "srv/privato"
    c = ConvenzioneFactory(scuola=scuola_a)
    c.pdf_firmato = pdf("Convenzione_Santa_Rita_firmata.pdf")
    c.save()
    vista = f"/rete/convenzioni/{c.pk}/file/pdf_firmato/"
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={sessione_di(referente_scuola(scuola_a))}"}
    stato, intestazioni, corpo = pila.richiesta("GET", vista, intestazioni=cookie)
    assert stato == 200 and corpo == PDF_MINIMO
    assert "x-accel-redirect" not in intestazioni
    assert 'filename="Convenzione_Santa_Rita_firmata.pdf"' in intestazioni["content-disposition"]
    assert intestazioni["cache-control"] == "private, no-store"
    estraneo = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={sessione_di(referente_scuola(scuola_b))}"}
    for percorso, chi in (
        (vista, {}),
        (vista, estraneo),
        ("/_privato/" + c.pdf_firmato.name, {}),
        ("/_privato/" + c.pdf_firmato.name, cookie),
        ("/media/" + c.pdf_firmato.name, {}),
        ("/media/../privato/" + c.pdf_firmato.name, {}),
    ):
        stato, _, corpo = pila.richiesta("GET", percorso, intestazioni=chi)
        assert stato in (302, 404), (percorso, stato)
        assert corpo != PDF_MINIMO

    # The client's address is the one nginx saw, not one the client wrote in X-Forwarded-For.
    pila.richiesta("GET", "/nessuna-pagina-qui/", intestazioni={"X-Forwarded-For": "6.6.6.6"})
    ultimo = EventoSicurezza.objects.filter(tipo=EventoSicurezza.Tipo.NON_TROVATO).latest("pk")
    assert ultimo.ip == "127.0.0.1"

    # A 50 MB anonymous POST to the login: refused by nginx from its Content-Length, body unread.
    stato, _, _ = pila.richiesta(
        "POST", "/account/login/", corpo=b"x" * 1024, intestazioni={"Content-Length": str(50 * 1024 * 1024)}
    )
    assert stato == 413

    # Hashed static files: compressed, cached for a year; others for an hour.
    (pila.prefisso / "srv/static/css").mkdir(parents=True)
    foglio = b"body { color: #1a1a1a; }\n" * 200
    (pila.prefisso / "srv/static/css/portale.0123456789ab.css").write_bytes(foglio)
    (pila.prefisso / "srv/static/css/portale.css").write_bytes(foglio)
    stato, intestazioni, corpo = pila.richiesta(
        "GET", "/static/css/portale.0123456789ab.css", intestazioni={"Accept-Encoding": "gzip"}
    )
    assert stato == 200 and intestazioni["content-encoding"] == "gzip" and gzip.decompress(corpo) == foglio
    assert intestazioni["cache-control"] == "public, max-age=31536000, immutable"
    _, intestazioni, _ = pila.richiesta(
        "GET", "/static/css/portale.css", intestazioni={"Accept-Encoding": "br"}
    )
    assert intestazioni["cache-control"] == "public, max-age=3600"
    assert intestazioni["content-encoding"] == "br"
