"""docker-compose.yml, the Dockerfile and .env.example are checked by parsing them (no Docker engine
runs here): the services, their commands, ports, healthchecks and start order, and that every variable
the settings read is documented."""

import re
from pathlib import Path

import pytest
import yaml

RADICE = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((RADICE / "docker-compose.yml").read_text(encoding="utf-8"))
SERVIZI = COMPOSE["services"]
APPLICATIVI = ["migrate", "web", "worker", "worker-pesanti", "beat"]


def _comando(servizio: str) -> str:
    comando = SERVIZI[servizio]["command"]
    return comando if isinstance(comando, str) else " ".join(comando)


def _variabili_lette_dalle_impostazioni() -> set[str]:
    testo = (RADICE / "alternanza" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"(?:env(?:\.\w+)?|_secret|os\.environ\.get)\(\s*\"([A-Z][A-Z0-9_]+)\"", testo))


def test_ci_sono_tutti_i_servizi():
    assert set(SERVIZI) == {
        "web", "worker", "worker-pesanti", "beat", "migrate", "postgres", "redis", "mailpit", "nginx",
        "backup",
    }  # fmt: skip


def test_immagini_dei_servizi_di_supporto():
    assert SERVIZI["postgres"]["image"] == "postgres:15"
    assert SERVIZI["redis"]["image"] == "redis:7"
    assert SERVIZI["mailpit"]["image"].startswith("axllent/mailpit:")


def test_web_con_gunicorn_e_almeno_due_worker_sulla_porta_8000():
    comando = _comando("web")
    assert comando.startswith("gunicorn alternanza.wsgi:application")
    assert "--bind=0.0.0.0:8000" in comando
    assert int(re.search(r"--workers[= ](\d+)", comando).group(1)) >= 2
    assert "ports" not in SERVIZI["web"] and SERVIZI["web"]["expose"] == ["8000"]  # behind nginx only


def test_nginx_davanti_con_tls_da_file_e_i_volumi_dei_file():
    nginx = SERVIZI["nginx"]
    assert nginx["build"] == "deploy/nginx" and {"80:80", "443:443"} <= set(nginx["ports"])
    assert "./deploy/certs:/etc/nginx/certs:ro" in nginx["volumes"]
    assert {"static:/srv/static:ro", "media:/srv/media:ro", "privato:/srv/privato:ro"} <= set(
        nginx["volumes"]
    )
    ambiente = SERVIZI["web"]["environment"]
    assert ambiente["TRUSTED_PROXY_COUNT"] == "1" and ambiente["MEDIA_PRIVATI_X_ACCEL"] == "/_privato/"


def test_worker_della_coda_default():
    assert re.search(r"^celery -A alternanza worker .*-Q default\b", _comando("worker"))


def test_worker_pesanti_uno_alla_volta_con_limite_di_memoria():
    comando = _comando("worker-pesanti")
    assert re.search(r"^celery -A alternanza worker .*-Q pesanti\b", comando)
    assert "--concurrency=1" in comando
    assert re.search(r"--max-memory-per-child=\d+", comando)


def test_beat_e_migrazioni():
    assert _comando("beat").startswith("celery -A alternanza beat")
    assert _comando("migrate").startswith("sh -c python manage.py migrate --noinput && ")
    assert "sposta_file_privati" in _comando("migrate") and "collectstatic" in _comando("migrate")
    assert SERVIZI["migrate"]["restart"] == "no"


def test_mailpit_espone_smtp_e_interfaccia():
    assert {"8025:8025", "1025:1025"} <= set(SERVIZI["mailpit"]["ports"])


def test_backup_senza_s3_con_il_pg_dump_del_server_sui_volumi_dei_file():
    backup = SERVIZI["backup"]
    assert backup["profiles"] == ["backup"]  # only with `docker compose run`, never with `up`
    assert backup["image"] == SERVIZI["postgres"]["image"]  # pg_dump of the server's major version
    assert backup["entrypoint"] == ["bash", "/app/scripts/backup.sh"]
    ambiente, web = backup["environment"], SERVIZI["web"]
    assert ambiente["DATABASE_URL"] == web["environment"]["DATABASE_URL"]
    for volume, cartella in (("privato", "MEDIA_PRIVATI_ROOT"), ("media", "MEDIA_ROOT")):
        assert f"{volume}:{ambiente[cartella]}" in backup["volumes"]
        assert f"{volume}:{ambiente[cartella]}" in web["volumes"]  # the same folders the portal writes
    assert any(v.endswith(":/backup") for v in backup["volumes"])


@pytest.mark.parametrize("servizio", sorted(set(SERVIZI) - {"migrate", "backup"}))
def test_ogni_servizio_duraturo_ha_un_healthcheck(servizio):
    controllo = SERVIZI[servizio]["healthcheck"]
    assert controllo["test"][0] in {"CMD", "CMD-SHELL"} and len(controllo["test"]) >= 2
    assert controllo["interval"] and controllo["retries"] >= 3


def test_healthcheck_del_web_usa_healthz():
    assert "http://localhost:8000/healthz" in " ".join(SERVIZI["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("servizio", ["web", "worker", "worker-pesanti", "beat"])  # nginx: after web
def test_i_servizi_applicativi_partono_dopo_database_redis_e_migrazioni(servizio):
    dipendenze = SERVIZI[servizio]["depends_on"]
    assert dipendenze["postgres"]["condition"] == "service_healthy"
    assert dipendenze["redis"]["condition"] == "service_healthy"
    assert dipendenze["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("servizio", APPLICATIVI)
def test_i_servizi_applicativi_leggono_env_e_usano_i_servizi_reali(servizio):
    configurazione = SERVIZI[servizio]
    assert configurazione["build"] == "."
    assert configurazione["env_file"] == ".env"
    ambiente = configurazione["environment"]
    assert (
        ambiente["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in ambiente["DATABASE_URL"]
    )
    assert ambiente["REDIS_URL"] == "redis://redis:6379/0"
    assert ambiente["EMAIL_URL"] == "smtp://mailpit:1025"
    assert ambiente["CELERY_TASK_ALWAYS_EAGER"] == "false"
    assert {"media:/app/var/media", "privato:/app/var/privato"} <= set(configurazione["volumes"])


def test_i_volumi_usati_sono_dichiarati():
    usati = {
        volume.split(":", 1)[0]
        for servizio in SERVIZI.values()
        for volume in servizio.get("volumes", [])
        if not volume.startswith((".", "/", "${"))  # named volumes, not host paths
    }
    assert usati == set(COMPOSE["volumes"]) == {"pgdata", "redisdata", "media", "privato", "static"}


def test_dockerfile_python_311_con_pango_e_installazione_del_progetto():
    testo = (RADICE / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", testo, re.M)
    assert "libpango-1.0-0" in testo and "libpangoft2-1.0-0" in testo
    assert "pip install ." in testo
    assert "collectstatic" in testo
    assert re.search(r"^USER (?!root)\w+", testo, re.M)


def test_env_example_documenta_ogni_variabile_letta_dalle_impostazioni():
    variabili = _variabili_lette_dalle_impostazioni()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG", "ALLOWED_HOSTS"} <= variabili
    esempio = (RADICE / ".env.example").read_text(encoding="utf-8")
    documentate = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", esempio, re.M))
    assert not variabili - documentate, f"missing from .env.example: {sorted(variabili - documentate)}"


def test_readme_documenta_ogni_variabile_letta_dalle_impostazioni():
    readme = (RADICE / "README.md").read_text(encoding="utf-8")
    mancanti = {v for v in _variabili_lette_dalle_impostazioni() if f"`{v}`" not in readme}
    assert not mancanti, f"missing from README.md: {sorted(mancanti)}"


def test_readme_avvio_rapido_con_esattamente_due_comandi():
    readme = (RADICE / "README.md").read_text(encoding="utf-8")
    sezione = readme.split("## Avvio rapido", 1)[1].split("\n## ", 1)[0]
    blocco = re.search(r"```(?:bash|sh)?\n(.*?)```", sezione, re.S).group(1)
    comandi = [riga.split("#", 1)[0].strip() for riga in blocco.splitlines() if riga.split("#", 1)[0].strip()]
    assert comandi == ["make run", "make test"]
