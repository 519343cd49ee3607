"""The deployment stack in a test: deploy/nginx/nginx.conf under a temporary prefix (paths and ports
rewritten, nginx unprivileged on high ports) in front of one or more gunicorn processes on the test
database. Used by tests/deploy/test_nginx.py and test_piu_nodi.py."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from tests.worker import url_database_di_test

RADICE = Path(__file__).resolve().parents[2]
CONF = RADICE / "deploy" / "nginx"


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _attendi(porta: int, processo: subprocess.Popen, log: Path, secondi: float = 60) -> None:
    fine = time.monotonic() + secondi
    while time.monotonic() < fine:
        if processo.poll() is not None:
            raise RuntimeError(f"process exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", porta), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {porta} never opened: {log.read_text(errors='replace')[-3000:]}")


def configurazione_nginx(prefisso: Path, porta_http: int, porta_https: int, nodi: list[int]) -> Path:
    """The repository's nginx.conf with its paths moved under `prefisso` and its ports made high."""
    for cartella in ("srv/static", "srv/media", "srv/privato", "cache", "certs", "logs"):
        (prefisso / cartella).mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(prefisso / "certs/privkey.pem"),
            "-out",
            str(prefisso / "certs/fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    testo = (CONF / "nginx.conf").read_text()
    sostituzioni = {
        "pid /run/nginx.pid;": f"pid {prefisso}/nginx.pid;",
        "/etc/nginx/certs/": f"{prefisso}/certs/",
        "/etc/nginx/proxy_portale.conf": str(CONF / "proxy_portale.conf"),
        "/var/cache/nginx/": f"{prefisso}/cache/",
        "/srv/": f"{prefisso}/srv/",
        "access_log /dev/stdout;": f"access_log {prefisso}/logs/access.log;",
        "error_log /dev/stderr warn;": f"error_log {prefisso}/logs/error.log warn;",
        "worker_processes auto;": "worker_processes 1;",
        "listen 80;": f"listen 127.0.0.1:{porta_http};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{porta_https} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "        server web:8000;": "\n".join(f"        server 127.0.0.1:{p};" for p in nodi),
        # Which node answered, for the multi-node test (never in the real configuration).
        "    server_tokens off;": "    server_tokens off;\n    add_header X-Nodo-Test $upstream_addr always;",
    }
    for prima, dopo in sostituzioni.items():
        assert prima in testo, prima  # the configuration changed: update this test
        testo = testo.replace(prima, dopo)
    if os.geteuid() == 0:
        testo = "user root;\n" + testo  # workers keep access to the temporary folders
    percorso = prefisso / "nginx.conf"
    percorso.write_text(testo)
    return percorso


@dataclass
class Pila:
    prefisso: Path
    porta_http: int
    porta_https: int
    nodi: list[int]
    processi: list[subprocess.Popen] = field(default_factory=list)

    def richiesta(
        self, metodo: str, percorso: str, corpo: bytes | None = None, intestazioni: dict | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        contesto = ssl.create_default_context()
        contesto.check_hostname = False
        contesto.verify_mode = ssl.CERT_NONE
        connessione = http.client.HTTPSConnection("localhost", self.porta_https, context=contesto, timeout=60)
        try:
            intestazioni = {"Host": f"localhost:{self.porta_https}", **(intestazioni or {})}
            connessione.request(metodo, percorso, body=corpo, headers=intestazioni)
            risposta = connessione.getresponse()
            return risposta.status, {k.lower(): v for k, v in risposta.getheaders()}, risposta.read()
        finally:
            connessione.close()

    def ferma(self) -> None:
        for processo in reversed(self.processi):
            processo.terminate()
        for processo in self.processi:
            try:
                processo.wait(timeout=15)
            except subprocess.TimeoutExpired:
                processo.kill()


def avvia_pila(prefisso: Path, nodi: int = 1, ambiente_nodi: list[dict] | None = None) -> Pila:
    """nginx plus `nodi` gunicorn processes (each with its own environment additions)."""
    porte_nodi = [porta_libera() for _ in range(nodi)]
    pila = Pila(prefisso, porta_libera(), porta_libera(), porte_nodi)
    conf = configurazione_nginx(prefisso, pila.porta_http, pila.porta_https, porte_nodi)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    try:
        for n, porta in enumerate(porte_nodi):
            ambiente = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "EMAIL_"))}
            ambiente.update(
                {
                    "DJANGO_SETTINGS_MODULE": "alternanza.settings_test",
                    "PYTHONPATH": str(RADICE),
                    "SECRET_KEY": settings.SECRET_KEY,
                    "DEBUG": "false",
                    "DATABASE_URL": url_database_di_test(),
                    "REDIS_URL": settings.REDIS_URL,
                    "ALLOWED_HOSTS": "localhost,127.0.0.1",
                    "SECURE_SSL_REDIRECT": "true",
                    "TRUSTED_PROXY_COUNT": "1",
                    "CELERY_TASK_ALWAYS_EAGER": "true",
                    "MEDIA_ROOT": str(prefisso / f"nodo{n}" / "media"),
                    "MEDIA_PRIVATI_ROOT": str(prefisso / f"nodo{n}" / "privato"),
                    "LOG_LEVEL": "WARNING",
                    **((ambiente_nodi or [{}] * nodi)[n]),
                }
            )
            log = prefisso / "logs" / f"gunicorn{n}.log"
            with open(log, "ab") as uscita:
                processo = subprocess.Popen(  # noqa: S603 - our own test server
                    [gunicorn, "alternanza.wsgi:application", f"--bind=127.0.0.1:{porta}", "--workers=1"],
                    cwd=RADICE,
                    env=ambiente,
                    stdout=uscita,
                    stderr=subprocess.STDOUT,
                )
            pila.processi.append(processo)
            _attendi(porta, processo, log)
        log = prefisso / "logs" / "nginx.out"
        with open(log, "ab") as uscita:
            processo = subprocess.Popen(  # noqa: S603 - our own test server
                ["nginx", "-p", str(prefisso), "-c", str(conf), "-g", "daemon off;"],
                stdout=uscita,
                stderr=subprocess.STDOUT,
            )
        pila.processi.append(processo)
        _attendi(pila.porta_https, processo, prefisso / "logs" / "error.log")
    except BaseException:
        pila.ferma()
        raise
    return pila


def sessione_di(utente) -> str:
    """A session cookie for `utente`, stored in the database every node reads."""
    from django.test import Client

    client = Client()
    client.force_login(utente, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


CSRF = "a" * 32  # a CSRF cookie value of our choosing, echoed in the header (what the forms' script does)


def intestazioni_post(pila: Pila, sessione: str, tipo: str) -> dict[str, str]:
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={sessione}; {settings.CSRF_COOKIE_NAME}={CSRF}",
        "X-CSRFToken": CSRF,
        "Referer": f"https://localhost:{pila.porta_https}/",
        "Content-Type": tipo,
    }


def multipart(campi: dict[str, str], file: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    confine = "----confine-di-prova"
    parti = []
    for nome, valore in campi.items():
        parti.append(
            f'--{confine}\r\nContent-Disposition: form-data; name="{nome}"\r\n\r\n{valore}\r\n'.encode()
        )
    for nome, (nome_file, contenuto) in file.items():
        parti.append(
            f'--{confine}\r\nContent-Disposition: form-data; name="{nome}"; filename="{nome_file}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
            + contenuto
            + b"\r\n"
        )
    parti.append(f"--{confine}--\r\n".encode())
    return b"".join(parti), f"multipart/form-data; boundary={confine}"
