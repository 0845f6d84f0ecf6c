"""Project-level pages: the coordinators' home page and the health check."""

import logging

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts.scoping import scope_for
from cohorts.selectors import (
    phases_progress,
    programme_counts,
    programme_start,
    programme_status_conditions,
    reached_q,
    sessions_summary,
    waves_in_progress,
    workshops_upcoming,
)
from evaluation import conf as evaluation_conf
from evaluation.selectors import response_rates_summary
from linkprog.celery import app as celery_app
from schools.models import eligible_q
from schools.selectors import (
    coverage_by,
    establishments_for,
    register_review_summary,
    register_summary,
    register_turnover,
)

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    """The dashboard for anyone with a role; otherwise a page saying how to get one."""

    def get_template_names(self):
        if self._can_see_dashboard():
            return ["dashboard.html"]
        return ["home_no_role.html"]

    def _can_see_dashboard(self) -> bool:
        user = self.request.user
        return user.has_perm("accounts.view_dashboard") and not scope_for(user).is_empty

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self._can_see_dashboard():
            return context
        scope = scope_for(self.request.user)
        summary = register_summary(scope)
        target = settings.LINK_TARGET_ESTABLISHMENTS
        # Booked, completed and invited columns come from the cohorts and outbox apps.
        conditions = programme_status_conditions()
        progress = {key: conditions[key] for key in ("booked", "completed")}
        by_region = coverage_by(scope, breakdown="region", extra_counts=progress)
        # Reached counts stay reached: a school that completed and has since closed or
        # changed type is still counted (and once, as its place follows a successor).
        counted = establishments_for(scope).filter(eligible_q() | reached_q()).order_by()
        programme = programme_counts(counted)
        if since := programme_start():
            context["turnover"] = {"since": since, **register_turnover(scope, since=since)}
        sessions = sessions_summary(scope=scope)
        if self.request.user.has_perm("accounts.review_register_changes"):
            context["register_review"] = register_review_summary()
        context.update(
            programme=programme,
            sessions=sessions,
            phases=list(phases_progress(scope=scope)),
            upcoming=list(workshops_upcoming(scope=scope, today=timezone.localdate())),
            waves=waves_in_progress(scope=scope),
            survey_rates=response_rates_summary(scope=scope),
            survey_min_cell=evaluation_conf.min_cell(),
            scope=scope,
            summary=summary,
            target=target,
            target_cohorts=settings.LINK_TARGET_COHORTS,
            by_region=by_region,
            by_la=coverage_by(scope, breakdown="la", extra_counts=progress),
            by_mhst_area=coverage_by(scope, breakdown="mhst_area", extra_counts=progress),
            region_chart={
                "labels": [row["label"] for row in by_region],
                "series": [
                    {"label": label, "values": [row[key] for row in by_region]}
                    for key, label in (
                        ("eligible", "Eligible"),
                        ("booked", "Booked now"),
                        ("completed", "Completed"),
                    )
                ],
                "horizontal": True,
            },
        )
        return context


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


@cache_control(max_age=86400, public=True)
@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every site, whatever the page links: send them to the
    static icon (its hashed name in production), so it is not a 404 on every page."""
    return HttpResponseRedirect(static("favicon.ico"))
