"""Project-level pages: the coordinators' home page and the health check."""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from linkprog.celery import app as celery_app
from schools.selectors import register_summary

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=register_summary(), **kwargs)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database check failed")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("healthz: broker check failed")
        return False


@never_cache
@require_GET
def healthz(request):
    """200 while the database answers (the broker's state is reported alongside), else 503.

    The body says only ok/unavailable: error details go to the log, not to the public.
    """
    database = _database_ok()
    broker = _broker_ok()
    body = {
        "status": "ok" if database and broker else ("degraded" if database else "unavailable"),
        "database": "ok" if database else "unavailable",
        "broker": "ok" if broker else "unavailable",
    }
    return JsonResponse(body, status=200 if database else 503)
