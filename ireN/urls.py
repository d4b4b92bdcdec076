from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

# The API documentation pages draw their styles at run time: inline style (never inline script)
# is allowed there only. Swagger UI's own start-up script is served as a separate file.
_docs_csp = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

api_v1 = [
    path("", include("members.api.urls")),
    path("", include("exchange.api.urls")),
    path("", include("seizures.api.urls")),
]

urlpatterns = [
    path("", include("members.urls")),
    path("queries/", include("exchange.urls")),
    path("seizures/", include("seizures.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        _docs_csp(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/", _docs_csp(SpectacularRedocView.as_view(url_name="schema")), name="api-redoc"
    ),
]
