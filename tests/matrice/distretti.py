"""Public pages of the territory (distretti.urls)."""

from tests.matrice import PUBBLICA, Voce

VOCI = [
    Voce("distretti:elenco", get=PUBBLICA),
    Voce("distretti:dettaglio", kwargs=lambda fx: {"slug": fx.distretto_b.slug}, get=PUBBLICA),
    Voce("distretti:scuola", kwargs=lambda fx: {"codice": fx.scuola_b.codice_meccanografico}, get=PUBBLICA),
]
