"""Prometheus metrics, read from the database at scrape time by a custom collector: every web
process answers the same figures, whichever one is scraped."""

import ipaddress

from django.conf import settings
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import CollectorRegistry

from core.request_context import client_ip

from . import health


class PortalCollector:
    def collect(self):
        alerts = health.alert_figures()
        if alerts is not None:
            yield GaugeMetricFamily(
                "iren_alerts_pending", "Alerts not yet delivered.", value=alerts["pending"]
            )
            yield GaugeMetricFamily(
                "iren_alerts_failed", "Alerts given up after their last attempt.", alerts["failed"]
            )
            yield GaugeMetricFamily(
                "iren_alerts_oldest_pending_seconds",
                "Age of the oldest alert not yet delivered (0 when none).",
                value=alerts["oldest_pending_seconds"],
            )
        imports = health.import_figures()
        if imports is not None:
            yield GaugeMetricFamily(
                "iren_import_jobs_running", "Seizure imports running.", value=imports["running"]
            )
            yield GaugeMetricFamily(
                "iren_import_jobs_stuck",
                "Seizure imports running past their lease (their worker died).",
                value=imports["stuck"],
            )
        queries = health.query_figures()
        if queries is not None:
            yield GaugeMetricFamily("iren_queries_open", "Open urgent queries.", queries["open"])
            yield GaugeMetricFamily(
                "iren_queries_overdue",
                "Open urgent queries past their due time.",
                value=queries["overdue"],
            )
        yield CounterMetricFamily(
            "iren_login_failures", "Failed login attempts.", value=health.login_failures()
        )
        yield CounterMetricFamily(
            "iren_cache_errors",
            "Cache operations answered without Redis (unreachable): sessions read from the "
            "database, caches and rate limits skipped.",
            value=health.cache_errors(),
        )
        ages = GaugeMetricFamily(
            "iren_heartbeat_age_seconds",
            "Seconds since the Celery worker / beat last showed it was alive.",
            labels=["process"],
        )
        for process, age in health.heartbeat_ages().items():
            if age is not None:
                ages.add_metric([process], age)
        yield ages


registry = CollectorRegistry()
registry.register(PortalCollector())


def client_allowed(request) -> bool:
    """The client (``client_ip``, after the ``TRUSTED_PROXY_COUNT`` proxies) must be in
    METRICS_ALLOWED_NETWORKS, and so must the connection's address and every address in
    ``X-Forwarded-For``: a request that came through a proxy from outside is refused even when
    the proxy count is set too low, so a proxy on loopback cannot open /metrics to the world."""
    networks = [ipaddress.ip_network(n, strict=False) for n in settings.METRICS_ALLOWED_NETWORKS]
    addresses = [client_ip(request) or "", request.META.get("REMOTE_ADDR", "")]
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses += [a.strip() for a in forwarded.split(",") if a.strip()]
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if not any(ip in network for network in networks):
            return False
    return True
