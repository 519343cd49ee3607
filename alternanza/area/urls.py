"""The reserved area's home (namespace "area"), mounted at /area-riservata/."""

from django.urls import path

from alternanza.area import views

app_name = "area"

urlpatterns = [
    path("", views.home, name="home"),
]
