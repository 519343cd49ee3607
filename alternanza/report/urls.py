"""URLs of the reports (namespace "report"), mounted at /report/."""

from django.urls import path

from alternanza.report import views

app_name = "report"

urlpatterns = [
    path("", views.elenco, name="elenco"),
    path("nuovo/", views.nuovo, name="nuovo"),
    path("cruscotto/", views.cruscotto, name="cruscotto"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/stato.json", views.stato, name="stato"),
    path("<int:pk>/scarica/", views.scarica, name="scarica"),
    path("<int:pk>/allegato/", views.allegato, name="allegato"),
    path("<int:pk>/rigenera/", views.rigenera, name="rigenera"),
    path("<int:pk>/invia/", views.invia, name="invia"),
    path("documento/<str:token>/", views.documento, name="documento"),
]
