"""The Celery application. Tasks live in each app's tasks.py and are found automatically."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ireN.settings")

app = Celery("ireN")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks enqueued during a request carry its id; their log lines show it (core/request_context).
from core.request_context import celery_signals_connect  # noqa: E402

celery_signals_connect()
