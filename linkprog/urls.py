"""Top-level URL configuration."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.timesince import timesince

from accounts import views as account_views
from linkprog import views


def _duration(seconds: int) -> str:
    """A number of seconds as words: 3600 is "1 hour", 5400 is "1 hour, 30 minutes"."""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    # timesince joins number and unit with a no-break space; the email is plain text.
    return timesince(start, start + timedelta(seconds=seconds)).replace("\xa0", " ")


PASSWORD_RESET_EMAIL_CONTEXT = {
    "programme_short_name": settings.LINK_SHORT_NAME,
    "programme_contact_email": settings.LINK_CONTACT_EMAIL,
    "link_valid_for": _duration(settings.PASSWORD_RESET_TIMEOUT),
}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email. Every address gets the same answer, known or not.
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            extra_email_context=PASSWORD_RESET_EMAIL_CONTEXT,
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"link_valid_for": PASSWORD_RESET_EMAIL_CONTEXT["link_valid_for"]}
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("establishments/", include("cohorts.register.urls")),
    path("cohorts/", include("cohorts.urls")),
    path("facilitation/", include("facilitation.urls")),
    path("outbox/", include("linkprog.outbox_pages.urls")),
    path("privacy/", include("linkprog.privacy_pages.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("exports/", include("linkprog.exports.urls")),
    path("survey/", include("evaluation.urls_survey")),
    path("admin/", admin.site.urls),
]

# The 500 page, with the programme's name and contact address (linkprog.errors).
handler500 = "linkprog.errors.server_error"
