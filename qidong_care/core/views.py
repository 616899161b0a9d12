from django.shortcuts import render

from .home import home_context


def home(request):
    return render(request, "core/home.html", home_context(request.user))
