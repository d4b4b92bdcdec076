"""``/api/v1/arrivals/``: file, list, read, record arrival and outcome, import a manifest.
Thin: parse, call a service or selector, render. Outside the user's scope: 404."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.pagination import KeysetPagination
from members import compiled
from members.models import ReleaseState

from .. import auditing, importing, permissions, selectors, services
from ..filtersets import NoticeFilterSet
from ..models import ArrivalNotice
from .serializers import NoticeFiledSerializer, NoticeSerializer


class NoticePagination(KeysetPagination):
    ordering = selectors.NOTICE_ORDERING
    page_size = 50


def _with_screening(data: dict, notice: ArrivalNotice, user) -> dict:
    if permissions.may_see_screening(user, notice):
        data["lane"] = notice.lane
        data["screening"] = notice.screening
    return data


def notice_data(notice: ArrivalNotice, user) -> dict:
    """The notice as the API gives it; ``screening`` (and the lane) for the receiving side."""
    return _with_screening(NoticeSerializer(notice).data, notice, user)


def notices_data(notices: list[ArrivalNotice], user) -> list[dict]:
    """``notice_data`` of each notice, through one serializer (whose fields a model
    serializer builds once, not once per row)."""
    rows = NoticeSerializer(notices, many=True).data
    return [_with_screening(data, notice, user) for data, notice in zip(rows, notices, strict=True)]


class ArrivalNoticeViewSet(viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    pagination_class = NoticePagination
    filterset_class = NoticeFilterSet
    queryset = ArrivalNotice.objects.none()

    #: Filters whose values alone choose the rows: a first page with no others is compiled.
    COMPILED_FILTERS = frozenset({"direction", "lane", "status", "mode", "page_size"})

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user)

    def _notice(self, pk) -> ArrivalNotice:
        try:
            return selectors.notice_get(user=self.request.user, pk=int(pk))
        except (ValueError, ArrivalNotice.DoesNotExist):
            raise Http404 from None

    def list(self, request):
        """Notices the user may see, by expected arrival, paged by cursor."""
        filters = NoticeFilterSet(request.query_params, request=request)
        if not filters.is_valid():
            raise ValidationError(filters.errors)

        def listed():
            return selectors.notice_list(user=request.user, filters=filters)

        def data(page):
            return notices_data(list(page), request.user)

        if set(request.query_params) <= self.COMPILED_FILTERS:
            # Filters by values alone (no clock, no free text): the first page is compiled.
            response = compiled.first_page(
                self, request, "arrivals.notices", listed=listed, data=data
            )
            if response is not None:
                return response
        return self.get_paginated_response(data(self.paginate_queryset(listed())))

    def retrieve(self, request, pk=None):
        notice = self._notice(pk)
        auditing.notice_read_record(request=request, notice=notice)
        return Response(notice_data(notice, request.user))

    @extend_schema(request=None, responses={201: NoticeFiledSerializer})
    def create(self, request):
        """File a notice: 201 with ``id``, ``reference`` and ``status``, or 400 naming each
        bad field."""
        if not permissions.may_file_notices(request.user):
            raise PermissionDenied(_("You may not file pre-arrival notices."))
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        notice = services.notice_file(author=request.user, data=dict(request.data))
        return Response(
            {
                "id": notice.pk,
                "reference": notice.reference,
                "status": notice.status,
                "release_state": notice.release_state,
            },
            status=status.HTTP_201_CREATED,
        )

    def _receiving_action(self, request, pk, service):
        notice = self._notice(pk)
        if not permissions.is_receiving_side(request.user, notice):
            raise Http404
        try:
            return service(user=request.user, notice=notice, data=dict(request.data))
        except services.NotReceivingSide:
            raise PermissionDenied(
                _("Only the receiving member's focal points and unit officers may do this.")
            ) from None

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def arrived(self, request, pk=None):
        """Record the arrival (receiving side): the discrepancies against the notice."""
        notice = self._receiving_action(request, pk, services.notice_arrived)
        return Response({"status": notice.status, "discrepancies": notice.discrepancies})

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record the outcome (receiving side) and close the notice."""
        notice = self._receiving_action(request, pk, services.notice_outcome)
        return Response(
            {
                "status": notice.status,
                "outcome": notice.outcome,
                "seizure_report": notice.seizure_report_id,
            }
        )

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_file(self, request):
        """Import a manifest (CSV or XLSX, a row per container and goods line): checked whole,
        then written, or nothing (400 with each bad row, field and reason). A large file runs
        as a job (202 with its id and progress URL)."""
        if not permissions.may_file_notices(request.user):
            raise PermissionDenied(_("You may not file pre-arrival notices."))
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": [_("Attach the CSV or XLSX file as the field 'file'.")]})
        try:
            importing.import_size_check(upload.size)
            content = upload.read()
            if importing.count_rows(content, upload.name) > importing.sync_max_rows():
                job = importing.import_job_create(
                    user=request.user, content=content, filename=upload.name
                )
                return Response(
                    {"job": job.pk, "state": job.state, "total_rows": job.total_rows},
                    status=status.HTTP_202_ACCEPTED,
                )
            imported = importing.notices_import(
                user=request.user, content=content, filename=upload.name
            )
        except importing.ImportRejected as rejected:
            return Response(rejected.answer(), status=status.HTTP_400_BAD_REQUEST)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        answer = {"imported": imported.notices, "lines": imported.lines}
        if imported.held_job_id is not None:
            # Its held notices await release together, as the job.
            answer.update(job=imported.held_job_id, release_state=ReleaseState.AWAITING_RELEASE)
        return Response(answer, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"], url_path=r"import/(?P<job_id>\d+)")
    def import_job(self, request, job_id=None):
        """The progress of a manifest import job (its uploader's only)."""
        job = importing.import_job_get(user=request.user, job_id=int(job_id))
        answer = importing.import_job_answer(job)
        if job.release_state:
            answer["release_state"] = job.release_state
        return Response(answer)
