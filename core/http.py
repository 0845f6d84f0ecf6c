"""Responses of pages opened through a personal link (a school's booking link, a survey
link), whose URL is a credential."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


def personal_link_page(response: HttpResponse) -> HttpResponse:
    """Never stored (``Cache-Control: no-store, private`` with an expiry in the past), never
    indexed, and the link never sent to another site as a referrer. (``same-origin``, not
    ``no-referrer``: with it, browsers send ``Origin: null`` on the page's own form posts,
    which Django's CSRF check rightly refuses.)"""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
