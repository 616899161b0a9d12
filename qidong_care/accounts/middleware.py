"""Session limits and the forced change of an initial password."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED_KEY = "qc_started_at"


class SessionLimitsMiddleware:
    """End a session 12 hours after login whatever the activity (the idle limit is SESSION_COOKIE_AGE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            if started is None:
                request.session[SESSION_STARTED_KEY] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                # The login page says why (messages are not installed yet at this point of the chain).
                query = urlencode({"next": request.get_full_path(), "ended": "absolute"})
                return redirect(f"{reverse('login')}?{query}")
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """A user holding an initial password may only change it (or log out) until they do."""

    allowed_names = ("password_change", "password_change_done", "logout", "healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.allowed_names}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("password_change")
        return self.get_response(request)
