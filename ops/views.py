"""/healthz, /readyz and /metrics: plain functions outside login, 2FA and CSRF (they only read
and never change state). /healthz is public and says only "ok"; /readyz and /metrics describe
the portal's inside and answer only METRICS_ALLOWED_NETWORKS (others get 404)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .health import readiness
from .metrics import client_allowed, registry


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. No database, no broker."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def readyz(request):
    if not client_allowed(request):
        raise Http404
    ready, checks = readiness()
    failing = [name for name, result in checks.items() if result["status"] == "fail"]
    return JsonResponse(
        {"status": "ok" if ready else "fail", "failing": failing, "checks": checks},
        status=200 if ready else 503,
    )


@never_cache
@require_GET
def metrics(request):
    if not client_allowed(request):
        raise Http404
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
