"""Request and response guards of the portal (access integrity).

- ``NoStoreMiddleware``: every response that reaches it (all but the static files WhiteNoise
  answers first) carries ``Cache-Control: no-store``: pages and API answers hold information
  that must not stay in a browser's or a proxy's cache.
- ``ControlCharactersMiddleware``: NUL bytes and other control characters never reach a view.
  In the path they answer 404 (no such page); in a GET or POST value, or in a JSON body, a 400
  that names the field. Tab, line feed and carriage return are allowed in values (free text).
"""

from __future__ import annotations

import json
import re

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# C0 and C1 controls and DEL; tab, LF and CR are allowed in values.
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_IN_PATH = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_JSON_TYPES = ("application/json", "application/vnd.api+json")


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


def _json_offender(value, path: str = "") -> str | None:
    """The dotted path of the first string (or key) holding a control character, or None."""
    if isinstance(value, str):
        return path or "non_field_errors" if _CONTROL_IN_VALUE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if _CONTROL_IN_VALUE.search(str(key)):
                return name
            found = _json_offender(item, name)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _json_offender(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


class ControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _CONTROL_IN_PATH.search(request.path_info):
            raise Http404
        field = self._offending_field(request)
        if field is not None:
            return self._refuse(request, field)
        return self.get_response(request)

    @staticmethod
    def _offending_field(request) -> str | None:
        for data in (request.GET, request.POST if request.method == "POST" else None):
            if not data:
                continue
            for key, values in data.lists():
                if _CONTROL_IN_VALUE.search(key) or any(
                    isinstance(v, str) and _CONTROL_IN_VALUE.search(v) for v in values
                ):
                    return key
        content_type = (request.content_type or "").lower()
        if request.method in ("POST", "PUT", "PATCH") and content_type in _JSON_TYPES:
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                return None  # the view's parser answers malformed JSON
            return _json_offender(body)
        return None

    @staticmethod
    def _refuse(request, field: str):
        message = _("Control characters (such as NUL) are not allowed.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({field: [message]}, status=400)
        return render(
            request,
            "control_characters.html",
            {"field": _CONTROL_IN_VALUE.sub("?", field), "message": message},
            status=400,
        )
