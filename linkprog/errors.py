"""The error pages that need a view of their own (the 403 and 404 pages are Django's own views
rendering templates/403.html and 404.html with the usual context).

``server_error`` (handler500) renders 500.html with only the programme's name and contact
address from settings: no context processors and no database, since either may be what failed.
``csrf_failure`` (CSRF_FAILURE_VIEW) renders 403_csrf.html as a page of the site, where
Django's own would render it without the request's context.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from linkprog.context_processors import programme_details


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render(programme_details()))


def csrf_failure(request, reason=""):
    # Django's CsrfViewMiddleware has logged the reason already (django.security.csrf).
    return render(request, "403_csrf.html", status=403)
