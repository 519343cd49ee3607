"""The permission matrix: every named URL of the portal × every persona → expected status.

The format of the entries is documented in tests/matrice/__init__.py. The URL conf is discovered with
get_resolver(), so a view added without an entry makes test_ogni_url_ha_una_voce_nella_matrice fail.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.conftest import entra
from tests.matrice import LOGIN, PERSONE, preparatori, risolvi, tutte_le_voci

# Named URLs deliberately outside the matrix, with the reason.
ESCLUSI = {
    "set_language": "Django's language switch: public POST redirect, no data behind it",
    "javascript-catalog": "Django's JavaScript translation catalogue: public, static content",
}
# Namespaces outside the matrix: the Django admin has its own test below (test_admin_*).
NAMESPACE_ESCLUSI = {"admin": "Django admin: access decided by is_staff, tested by test_admin_*"}

OGGETTI_CONDIVISI = ("distretto_a", "distretto_b", "scuola_a", "scuola_b", "organizzazione")

VOCI = tutte_le_voci()


def _pattern_del_portale(resolver=None, namespace: tuple[str, ...] = (), prefisso: str = ""):
    """Yield (name or None, route) for every URL pattern, recursively, outside the excluded namespaces."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + ((pattern.namespace,) if pattern.namespace else ())
            if ns and ns[0] in NAMESPACE_ESCLUSI:
                continue
            yield from _pattern_del_portale(pattern, ns, prefisso + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            nome = ":".join(namespace + (pattern.name,)) if pattern.name else None
            yield nome, prefisso + str(pattern.pattern)


def test_ogni_url_ha_una_voce_nella_matrice():
    senza_voce = sorted(
        f"{nome}  ({route})"
        for nome, route in _pattern_del_portale()
        if nome and nome not in VOCI and nome not in ESCLUSI
    )
    assert not senza_voce, (
        "These URLs have no entry in the permission matrix: add them to tests/matrice/<area>.py "
        "(format in tests/matrice/__init__.py):\n  " + "\n  ".join(senza_voce)
    )


def test_ogni_url_ha_un_nome():
    senza_nome = sorted(route for nome, route in _pattern_del_portale() if not nome)
    assert not senza_nome, f"Unnamed URL patterns cannot be checked by the matrix: {senza_nome}"


def test_nessuna_voce_per_url_inesistenti():
    nomi = {nome for nome, _ in _pattern_del_portale()}
    orfane = sorted(set(VOCI) - nomi)
    assert not orfane, f"Matrix entries for URL names that do not exist (renamed or removed?): {orfane}"


@pytest.fixture
def fx(request, db):
    """The fixtures namespace passed to the entries: personas, shared objects, area objects."""
    ns = SimpleNamespace()
    for nome in PERSONE:
        setattr(ns, nome, None if nome == "anonimo" else request.getfixturevalue(nome))
    for nome in OGGETTI_CONDIVISI:
        setattr(ns, nome, request.getfixturevalue(nome))
    for prepara in preparatori():
        prepara(ns)
    return ns


def _url(voce, fx) -> str:
    with translation.override("it"):
        url = reverse(voce.nome, kwargs=risolvi(voce.kwargs, fx))
    return f"{url}?{voce.query}" if voce.query else url


def _esito(client: Client, persona, metodo: str, url: str, dati=None) -> str | int:
    """The answer to one request, inside a savepoint rolled back afterwards (the login stays)."""
    entra(client, persona)
    cache.clear()  # rate limits and cached pages must not leak from one persona to the next
    try:
        with transaction.atomic():
            response = client.get(url) if metodo == "get" else client.post(url, dati or {})
            transaction.set_rollback(True)
    except Exception as exc:  # the matrix reports a crash as a 500 next to the other personas
        return f"500 ({type(exc).__name__}: {exc})"
    if response.status_code == 302 and response["Location"].split("?")[0] == reverse("account_login"):
        return LOGIN
    return response.status_code


def _confronta(fx, client, metodo: str, url: str, attesi: dict, dati=None) -> list[str]:
    differenze = []
    for nome in PERSONE:
        ottenuto = _esito(client, getattr(fx, nome), metodo, url, dati)
        if ottenuto != attesi[nome]:
            differenze.append(f"{nome:>14}: expected {attesi[nome]!s:>5}, got {ottenuto}")
    return differenze


@pytest.mark.parametrize("nome", sorted(n for n, v in VOCI.items() if v.get is not None))
def test_matrice_get(nome, fx, client):
    voce = VOCI[nome]
    url = _url(voce, fx)
    differenze = _confronta(fx, client, "get", url, voce.get)
    assert not differenze, f"GET {url} ({nome}):\n" + "\n".join(differenze)


AZIONI = sorted((n, a.nome) for n, v in VOCI.items() for a in v.post)


@pytest.mark.parametrize(("nome", "azione"), AZIONI)
def test_matrice_post(nome, azione, fx, client):
    voce = VOCI[nome]
    az = next(a for a in voce.post if a.nome == azione)
    url = _url(voce, fx)
    dati = risolvi(az.dati, fx)
    differenze = _confronta(fx, client, "post", url, az.attesi, dati)
    assert not differenze, f"POST {url} ({nome}, {azione}):\n" + "\n".join(differenze)


@pytest.mark.parametrize(("nome", "azione"), AZIONI)
def test_post_senza_token_csrf_rifiutato(nome, azione, fx):
    voce = VOCI[nome]
    az = next(a for a in voce.post if a.nome == azione)
    client = Client(enforce_csrf_checks=True)
    ottenuto = _esito(client, fx.staff, "post", _url(voce, fx), risolvi(az.dati, fx))
    if az.csrf_esente:
        assert ottenuto != 403
    else:
        assert ottenuto == 403, f"POST {nome} ({azione}) without CSRF token answered {ottenuto}"


# Entries whose page has a POST form to itself but no POST action yet. Debt to pay by the owning area,
# not a place for new views: add an Azione to the entry and remove the name from here.
POST_DA_AGGIUNGERE = {
    "partnership:accordo_modifica",
    "partnership:accordo_nuovo",
    "partnership:convenzione_modifica",
    "partnership:convenzione_nuova",
    "partnership:offerta_modifica",
    "partnership:offerta_nuova",
    "partnership:partnership_modifica",
    "partnership:partnership_nuova",
    "progetti:azione_modifica",
    "progetti:modello_da_azione",
    "progetti:modello_da_progetto",
}
PRIMA_PERSONA_AMMESSA = ("staff", "superuser", "ufficio_a", "referente_a", "referente_org", "anonimo")
_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_POST = re.compile(r"method=[\"']?post", re.IGNORECASE)
_ACTION = re.compile(r"action=[\"']([^\"']*)[\"']", re.IGNORECASE)


def test_ogni_form_post_ha_le_sue_azioni_nella_matrice(fx, client):
    """A page that posts to itself (a form with no action or its own URL) must list its POST actions."""
    senza_azioni, pagate = [], []
    for nome, voce in sorted(VOCI.items()):
        if voce.get is None:
            continue
        persona = next((p for p in PRIMA_PERSONA_AMMESSA if voce.get.get(p) == 200), None)
        if persona is None:
            continue
        url = _url(voce, fx)
        response = entra(client, getattr(fx, persona)).get(url)
        if response.streaming or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        a_se_stessa = any(
            _POST.search(tag) and (_ACTION.search(tag).group(1) if _ACTION.search(tag) else "") in ("", url)
            for tag in _FORM.findall(html)
        )
        if a_se_stessa and not voce.post and nome not in POST_DA_AGGIUNGERE:
            senza_azioni.append(f"{nome} ({url}, as {persona})")
        if nome in POST_DA_AGGIUNGERE and voce.post:
            pagate.append(nome)
    assert not senza_azioni, "Pages with a POST form but no POST action in the matrix: " + ", ".join(
        senza_azioni
    )
    assert not pagate, f"Remove from POST_DA_AGGIUNGERE (they have POST actions now): {pagate}"


# --- Django admin -----------------------------------------------------------------------------------


def test_admin_solo_per_utenti_is_staff(persone, client):
    url = reverse("admin:index")
    for nome, persona in persone.items():
        response = entra(client, persona).get(url)
        if nome in ("staff", "superuser"):
            assert response.status_code == 200, nome
        else:
            assert response.status_code == 302, nome
            assert response["Location"].startswith(reverse("admin:login")), nome


def test_admin_ogni_elenco_si_apre_per_il_superuser(superuser, client):
    entra(client, superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
