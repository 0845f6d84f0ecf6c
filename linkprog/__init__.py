"""Link: the Mental Health Services and Schools and Colleges Link Programme."""

from .celery import app as celery_app

__all__ = ("celery_app",)
