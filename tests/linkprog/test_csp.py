"""The Content-Security-Policy: its header on every page, in every environment, and templates
that need nothing it forbids (tests/linkprog/test_csp_browser.py walks the pages in Chromium)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy_of(response) -> dict[str, str]:
    directives = (
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return {name: value for name, value in directives}


def test_every_kind_of_page_has_the_policy(client, admin_client):
    pages = [
        client.get(reverse("login")),
        client.get("/survey/not-a-token/"),  # a public page, a 404
        admin_client.get(reverse("home")),
        admin_client.get(reverse("admin:index")),
    ]
    for response in pages:
        assert policy_of(response) == POLICY, response.request["PATH_INFO"]


def test_no_inline_script_or_style_may_run():
    for directive in ("script-src", "style-src"):
        assert "unsafe" not in POLICY[directive]
        assert "nonce" not in POLICY[directive]


#: Inline code and styles: a style attribute, a <style> element, an event handler attribute, a
#: javascript: URL, or a <script> without src (a JSON data block, from json_script, is fine).
INLINE = re.compile(
    r"""style\s*=|<style|\son[a-z]+\s*=|javascript:|<script(?![^>]*\ssrc=)(?![^>]*application/json)""",
    re.IGNORECASE,
)


def page_templates() -> list[Path]:
    """Every template of Link's own that a browser is shown: those of the project and of its
    apps, not the installed packages' (nor the emails, which style themselves inline because
    mail programs ignore stylesheets)."""
    roots = [
        Path(folder)
        for folder in engines["django"].template_dirs
        if Path(folder).is_relative_to(settings.BASE_DIR)
        and "site-packages" not in Path(folder).parts
    ]
    return [
        path
        for root in roots
        for path in root.rglob("*.html")
        if "outbox/email/" not in path.relative_to(root).as_posix()
    ]


def test_no_template_has_inline_script_or_style():
    templates = page_templates()
    assert len(templates) > 50  # the walk found them

    found = {
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if INLINE.search(line)
    }

    assert not found, "\n".join(sorted(found))
