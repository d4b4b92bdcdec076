"""Operations middleware.

ApiCompressionMiddleware — gzip only where BREACH cannot apply. BREACH needs an attacker who
can make the victim's browser send requests carrying its credentials, with attacker-chosen
input reflected next to a secret in a compressed answer. Browser pages carry session cookies,
a CSRF token and confidential query content, so they are *not* compressed by the application
(whitenoise still serves pre-compressed static files). API answers to a client that sent an
``Authorization`` header (API tokens: scripts, integrations) carry no ambient credential a
third-party page could make a browser send, so they are compressed: these are the large JSON
lists and CSV exports. (A third-party page cannot add an Authorization header to a request
to this origin: that needs a CORS preflight the portal never grants.) Switch off with
API_COMPRESSION=0.

DatabaseOutageMiddleware — a view that fails because the database (or Redis, or the broker) is
unreachable answers 503 with Retry-After (a plain page or JSON) instead of a bare 500.
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

from .outage import database_outage_response, is_outage

COMPRESSIBLE_TYPES = ("application/json", "text/csv", "application/vnd.oai.openapi")


class ApiCompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not settings.API_COMPRESSION:
            return response
        if not request.path.startswith("/api/") or "Authorization" not in request.headers:
            return response
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if content_type not in COMPRESSIBLE_TYPES:
            return response
        return super().process_response(request, response)


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return database_outage_response(request, exception)
        return None
