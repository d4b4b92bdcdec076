"""Attachments of a filing form that came back with an error: kept on the server so that
nobody has to choose them again.

Each filing form carries a random draft token; the session lists the files kept for each of
its tokens, so a token only works in the session that made it. The files live under
``MEDIA_ROOT/tmp/uploads/<token>/<id>`` (MEDIA_ROOT has no public URL; the names on disk
are random, the original names stay in the session) and are removed when the query is filed,
when the person removes them, or by ``pending_uploads_prune`` after
``EXCHANGE_PENDING_UPLOAD_HOURS``.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.files import File

from .validators import clean_attachments

SESSION_KEY = "exchange_pending_uploads"
#: At most this many files are kept for one form.
MAX_FILES = 20
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "tmp" / "uploads"


def _drafts(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _save_drafts(request, drafts: dict) -> None:
    request.session[SESSION_KEY] = drafts
    request.session.modified = True


def draft_token(request) -> str:
    """The form's draft token: the posted one if it belongs to this session, else a new one."""
    token = request.POST.get("draft", "") if request.method == "POST" else ""
    if token and _TOKEN.match(token) and token in _drafts(request):
        return token
    return secrets.token_urlsafe(18)


def pending_list(request, token: str) -> list[dict]:
    """The files kept for this form: ``{"id", "name", "size"}`` each."""
    return list(_drafts(request).get(token, []))


def pending_replace(request, token: str, uploads) -> None:
    """Forget the kept files that ``uploads`` replace: an acceptable file chosen again under
    the same name is the newer copy of the one kept, never a second attachment."""
    names = {name for _upload, name, _type in clean_attachments(list(uploads), {})}
    ids = [entry["id"] for entry in pending_list(request, token) if entry["name"] in names]
    pending_discard(request, token, ids)


def pending_keep(request, token: str, uploads) -> None:
    """Keep the acceptable ones of ``uploads`` (size and type as the service checks them),
    each replacing a kept file of the same name."""
    uploads = list(uploads)
    pending_replace(request, token, uploads)
    entries = pending_list(request, token)
    for upload, name, _content_type in clean_attachments(uploads, {}):
        if len(entries) >= MAX_FILES:
            break
        file_id = secrets.token_hex(8)
        folder = _root() / token
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / file_id, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        entries.append({"id": file_id, "name": name, "size": upload.size})
    if entries:
        drafts = _drafts(request)
        drafts[token] = entries
        _save_drafts(request, drafts)


def pending_discard(request, token: str, file_ids) -> None:
    """Remove the files the person unticked."""
    file_ids = set(file_ids)
    if not file_ids:
        return
    drafts = _drafts(request)
    entries = drafts.get(token, [])
    for entry in entries:
        if entry["id"] in file_ids:
            (_root() / token / entry["id"]).unlink(missing_ok=True)
    drafts[token] = [e for e in entries if e["id"] not in file_ids]
    _save_drafts(request, drafts)


def pending_files(request, token: str) -> list[File]:
    """The kept files, opened, under their original names (the caller closes them). A file
    pruned meanwhile is left out."""
    files = []
    for entry in pending_list(request, token):
        path = _root() / token / entry["id"]
        if path.is_file():
            files.append(File(open(path, "rb"), name=entry["name"]))  # noqa: SIM115
    return files


def pending_clear(request, token: str) -> None:
    """Forget the form's files (it was filed)."""
    shutil.rmtree(_root() / token, ignore_errors=True)
    drafts = _drafts(request)
    if drafts.pop(token, None) is not None:
        _save_drafts(request, drafts)


def pending_uploads_prune(*, max_age_seconds: float | None = None) -> int:
    """Delete the kept files of forms left for longer than ``EXCHANGE_PENDING_UPLOAD_HOURS``.
    Returns how many drafts were removed."""
    if max_age_seconds is None:
        max_age_seconds = settings.EXCHANGE_PENDING_UPLOAD_HOURS * 3600
    root = _root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    removed = 0
    for folder in root.iterdir():
        newest = max(
            [folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.glob("*"))],
        )
        if newest < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
