from django.http import Http404


def board(request):
    raise Http404


notice_create = notice_import = import_job = notice_detail = notice_arrived = notice_outcome = board
