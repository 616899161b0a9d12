from django.urls import path

from . import security_views

urlpatterns = [
    path("lockouts/", security_views.lockout_list, name="lockouts"),
    path("lockouts/unlock/", security_views.lockout_unlock, name="unlock"),
    path("password-reset/", security_views.password_reset, name="password_reset"),
]
