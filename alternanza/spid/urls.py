"""SPID/CIE URLs, outside the language prefixes: the metadata, ACS and SLS addresses are registered with
AgID and must never change."""

from django.urls import path

from alternanza.spid import views

app_name = "spid"

urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("cie/metadata/", views.metadata_cie, name="metadata_cie"),
    path("cie/completa/", views.completa_cie, name="completa_cie"),
    path("accedi/", views.accedi, name="accedi"),
    path("collega/", views.collega, name="collega"),
    path("acs/", views.acs, name="acs"),
    path("esci/", views.esci, name="esci"),
    path("sls/", views.sls, name="sls"),
]
