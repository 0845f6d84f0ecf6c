"""The favicon: linked from every page, and /favicon.ico (which browsers ask for anyway)
answers with it rather than a 404 (issue 11, item 16)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_with_the_icon(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 302
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_links_an_icon_that_is_served(client):
    page = client.get(reverse("login")).content.decode()

    icons = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert len(icons) == 2
    for href in icons:
        response = client.get(href)
        assert response.status_code == 200, href
    assert any(href.endswith(".svg") for href in icons)
