from csp.decorators import csp_update
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from core.api import SchemaView
from ops import views as ops_views

# The API documentation pages draw their styles at run time: inline style (never inline script)
# is allowed there only. Swagger UI's own start-up script is served as a separate file.
_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})


api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("members.api.urls")),
    path("", include("exchange.api.urls")),
    path("", include("matching.api.urls")),
    path("", include("seizures.api.urls")),
    path("", include("arrivals.api.urls")),
    path("", include("targeting.api.urls")),
]


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    # Operations: liveness, readiness and Prometheus metrics (see docs/DEPLOY.md).
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("members/", include("accounts.people_urls")),
    path("", include("members.urls")),
    path("queries/", include("exchange.urls")),
    path("seizures/", include("seizures.urls")),
    path("arrivals/", include("arrivals.urls")),
    path("targeting/", include("targeting.urls")),
    path("accounts/", include("accounts.urls")),
    path("matching/", include("matching.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path(
        "api/docs/",
        _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"
    ),
]

# A database error outside a view still answers 503; the 500 page needs no database.
handler500 = "ops.outage.server_error"
