"""Fixtures of the SPID tests: an SP certificate as Avviso SPID n. 29 v3 asks (made with openssl for the
live server's address), the key of spid-sp-test's fake IdP, and the portal with SPID switched on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

from alternanza.spid import registro

SPID_SP_TEST = str(Path(sys.executable).with_name("spid_sp_test"))
CONFIG_CERT = """oid_section = spid_oids
[ req ]
default_bits = 2048
default_md = sha256
distinguished_name = dn
prompt = no
[ spid_oids ]
agidcert=1.3.76.16.6
spid-publicsector-SP=1.3.76.16.4.2.1
uri=2.5.4.83
[ dn ]
organizationName = Citta metropolitana di Bologna
commonName = Rete alternanza
uri = {entity_id}
organizationIdentifier = PA:IT-cm_bo
countryName = IT
localityName = Bologna
[ req_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
certificatePolicies = @agid_policies,@spid_policies
[ agid_policies ]
policyIdentifier = agidcert
userNotice = @agidcert_notice
[ agidcert_notice ]
explicitText = "agIDcert"
[ spid_policies ]
policyIdentifier = spid-publicsector-SP
userNotice = @spid_notice
[ spid_notice ]
explicitText = "cert_SP_Pub"
"""


def certificato_sp(cartella: Path, entity_id: str) -> tuple[Path, Path]:
    cartella.mkdir(parents=True, exist_ok=True)
    conf = cartella / "sp.cnf"
    conf.write_text(CONFIG_CERT.format(entity_id=entity_id))
    chiave, cert = cartella / "sp-key.pem", cartella / "sp-crt.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-new",
            "-x509",
            "-config",
            conf,
            "-extensions",
            "req_ext",
            "-days",
            "30",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            chiave,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
    )
    return cert, chiave


@pytest.fixture(scope="session")
def chiavi_idp(tmp_path_factory) -> Path:
    """The fake IdP's key pair (spid-sp-test's own certificate has expired): private.key, public.cert."""
    cartella = tmp_path_factory.mktemp("idp")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/C=IT/O=spid-sp-test/CN=localhost",
            "-keyout",
            cartella / "private.key",
            "-out",
            cartella / "public.cert",
        ],
        check=True,
        capture_output=True,
    )
    return cartella


@pytest.fixture
def spid_live(live_server, settings, tmp_path, chiavi_idp, con_dati_delle_migrazioni):
    """The live portal with SPID on, trusting spid-sp-test's fake IdP (entityID: IDP below)."""
    cert, chiave = certificato_sp(tmp_path / "sp", live_server.url)
    settings.SITE_URL = live_server.url
    settings.SPID_ENTITY_ID = live_server.url
    settings.SPID_CERT_FILE = str(cert)
    settings.SPID_KEY_FILE = str(chiave)
    settings.SPID_ATTIVO = True
    # The live server answers each request in a new thread: with persistent connections each would keep
    # its own PostgreSQL connection open (a hundred responses exhaust the server's max_connections).
    impostazioni_db = connections.settings["default"]
    durata = impostazioni_db["CONN_MAX_AGE"]
    impostazioni_db["CONN_MAX_AGE"] = 0
    ambiente = {**os.environ, "IDP_ENTITYID": IDP, "IDP_CERT_PATH": str(chiavi_idp)}
    metadati = subprocess.run(
        [SPID_SP_TEST, "--idp-metadata"], env=ambiente, check=True, capture_output=True
    ).stdout
    registro.aggiorna(registro.leggi(metadati))
    yield ambiente
    impostazioni_db["CONN_MAX_AGE"] = durata


IDP = "http://127.0.0.1:8499"  # spid-sp-test's fake IdP: never contacted, it only signs


def esegui_spid_sp_test(
    ambiente: dict, url: str, tmp_path: Path, *argomenti: str, metadata: str = "/spid/metadata/"
) -> dict:
    """Run spid-sp-test against the live portal; the JSON report, the tool's own checks flattened."""
    rapporto = tmp_path / "rapporto.json"
    esito = subprocess.run(
        [
            SPID_SP_TEST,
            "--metadata-url",
            f"{url}{metadata}",
            "--authn-url",
            f"{url}/spid/accedi/?idp={IDP}",
            "--extra",
            "--debug",
            "ERROR",
            "-rf",
            "json",
            "-o",
            str(rapporto),
            *argomenti,
        ],
        env=ambiente,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rapporto.exists(), esito.stdout + esito.stderr
    return {
        "returncode": esito.returncode,
        "output": esito.stdout + esito.stderr,
        "rapporto": json.loads(rapporto.read_text()),
    }


def controlli(rapporto: dict) -> list[dict]:
    """Every check of the report (metadata, AuthnRequest, responses), each with its result."""
    trovati = []

    def visita(nodo):
        if isinstance(nodo, dict):
            if "result" in nodo and "test" in nodo:
                trovati.append(nodo)
            for v in nodo.values():
                visita(v)
        elif isinstance(nodo, list):
            for v in nodo:
                visita(v)

    visita(rapporto)
    return trovati


@pytest.fixture
def cie_live(spid_live, settings, tmp_path):
    """The live portal with "Entra con CIE" on: spid-sp-test's fake IdP plays CIE ID (its metadata is the
    CIE_IDP_METADATA_FILE), and is no longer one of the SPID identity providers."""
    from alternanza.spid.models import ProviderSpid

    (entita,) = ProviderSpid.objects.filter(entity_id=IDP)
    file_cie = tmp_path / "cie-idp.xml"
    file_cie.write_text(entita.metadata)
    ProviderSpid.objects.filter(entity_id=IDP).update(attivo=False)
    settings.CIE_IDP_METADATA_FILE = str(file_cie)
    settings.CIE_ATTIVO = True
    settings.SPID_CONTATTO_TELEFONO = "+390516598111"  # CIE's ContactPerson needs a telephone number
    return spid_live


def esegui_spid_sp_test_cie(ambiente: dict, url: str, tmp_path: Path, *argomenti: str) -> dict:
    """spid-sp-test with its CIE profile (cie-sp-public) on the CIE metadata of the live portal."""
    return esegui_spid_sp_test(
        ambiente, url, tmp_path, "--profile", "cie-sp-public", *argomenti, metadata="/spid/cie/metadata/"
    )
