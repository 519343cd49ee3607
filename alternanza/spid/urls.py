"""SPID/CIE URLs, outside the language prefixes: the metadata, ACS and SLS addresses are registered with
AgID and must never change."""

from django.urls import path

from alternanza.spid import views

app_name = "spid"

urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("accedi/", views.accedi, name="accedi"),
    path("collega/", views.collega, name="collega"),
    path("acs/", views.acs, name="acs"),
    path("esci/", views.esci, name="esci"),
    path("sls/", views.sls, name="sls"),
]
