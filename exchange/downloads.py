"""The download of a query's attachment, for the pages and the API alike."""

from django.http import FileResponse, Http404

from . import auditing, selectors
from .models import Attachment


def attachment_response(request, *, query_pk, pk) -> FileResponse:
    """Stream attachment ``pk`` of query ``query_pk`` if the request's user may see it, and
    record the download. An attachment out of reach, or whose file is gone, is a 404."""
    try:
        attachment = selectors.attachment_get(user=request.user, query_pk=query_pk, pk=pk)
        handle = attachment.file.open("rb")
    except (Attachment.DoesNotExist, FileNotFoundError):
        raise Http404 from None
    auditing.attachment_download_record(request=request, attachment=attachment)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
