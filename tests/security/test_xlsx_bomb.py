"""An XLSX upload is a zip archive: its directory is checked before anything opens it (the
number of members, each member's declared unpacked size, and their sum), on every import path.
A 2.7 MB workbook that unpacks to 2.7 GB is refused with a 400 naming the file field before any
of its parts is opened; a real workbook still goes in."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import RoleName
from seizures import services
from seizures.import_jobs import count_rows
from seizures.models import ImportJob, SeizureReport
from tests.factories import member_user
from tests.seizures.conftest import row, xlsx_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MIB = 1 << 20
SHEET = "xl/worksheets/sheet1.xml"


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of (name, raw deflate data, crc32, unpacked size) members."""
    out = io.BytesIO()
    directory = []
    for name, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size,
                              len(encoded), 0))  # fmt: skip
        out.write(encoded)
        out.write(data)
        directory.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded  # fmt: skip
        )
    start = out.tell()
    out.write(b"".join(directory))
    out.write(
        struct.pack(
            "<4s4H2LH",
            b"PK\x05\x06",
            0,
            0,
            len(members),
            len(members),
            out.tell() - start,
            start,
            0,
        )  # fmt: skip
    )
    return out.getvalue()


def _small(name: str, text: bytes):
    return (name, _deflated(text), zlib.crc32(text), len(text))


def _padded(name: str, data: bytes, repeats: int):
    """``data`` (an XML part) with ``repeats`` MiB of blanks after its root element's start tag
    (still well-formed), deflated: each MiB is compressed once and repeated (a full flush resets the
    compressor, so the blocks are equal), which keeps building the bomb quick."""
    cut = data.index(b">") + 1
    prefix, suffix, chunk = data[:cut], data[cut:], b" " * _MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    size = len(prefix) + repeats * _MIB + len(suffix)
    return (name, head + block * repeats + tail, crc, size)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real one-row import workbook whose sheet unpacks to 2.6 GiB from about 2.7 MB."""
    workbook = xlsx_bytes([row(reference="BOMB-0")])
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    assert SHEET in dict(parts)
    return _zip(
        [_padded(name, data, 2600) if name == SHEET else _small(name, data) for name, data in parts]
    )


@pytest.fixture
def analyst(kz, settings, tmp_path):
    from seizures.vocabulary import ensure_commodities

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_commodities()
    return member_user(kz, RoleName.ANALYST, username="analyst.kz.bomb")


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """The names of the archive members opened for reading, in order: the refusal must come from
    the zip directory alone, so no part of the bomb is ever unpacked."""
    names: list[str] = []
    original = zipfile.ZipFile.open

    def recording(archive, name, *args, **kwargs):
        names.append(getattr(name, "filename", name))
        return original(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording)
    return names


def _upload(content, name="reports.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_the_bomb_is_what_it_claims(bomb):
    assert 2_000_000 < len(bomb) < 3_000_000
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
        with archive.open(SHEET) as sheet:
            start = sheet.read(_MIB)
    assert start.startswith(b"<worksheet") and start.rstrip().endswith(b">")
    assert "xl/workbook.xml" in sizes
    assert sizes[SHEET] > 2600 * _MIB


def test_api_refuses_the_bomb_unopened_with_a_file_error(client, analyst, bomb, opened):
    client.force_login(analyst)
    response = client.post(reverse("seizure-import-file"), {"file": _upload(bomb)})
    assert response.status_code == 400, response.content[:300]
    assert "unpacks to more than" in response.json()["file"][0]
    assert opened == []
    assert not SeizureReport.objects.exists()


def test_browser_import_refuses_the_bomb_unopened_with_a_field_error(client, analyst, bomb, opened):
    client.force_login(analyst)
    response = client.post(reverse("seizures:import"), {"file": _upload(bomb)})
    assert response.status_code == 200
    assert "unpacks to more than" in response.context["form"].errors["file"][0]
    assert opened == []
    assert not ImportJob.objects.exists()


def test_every_xlsx_reader_checks_the_archive_first(analyst, bomb, opened):
    """The readers themselves (a job's file is read again by the worker), not only uploads."""
    with pytest.raises(services.ImportRejected) as caught:
        services.read_import_file(bomb, "reports.xlsx")
    assert "unpacks to more than" in caught.value.row_errors[0]["message"]
    with pytest.raises(ValidationError):
        count_rows(bomb, "reports.xlsx")
    assert opened == []


def test_too_many_members_are_refused(client, analyst, settings):
    content = xlsx_bytes([row(reference="BOMB-1")])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = len(archive.infolist())
    settings.SEIZURES_IMPORT_XLSX_MAX_MEMBERS = parts - 1
    client.force_login(analyst)
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 400
    assert "too many parts" in response.json()["file"][0]
    settings.SEIZURES_IMPORT_XLSX_MAX_MEMBERS = parts
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 201, response.content[:300]


def test_a_real_workbook_is_opened_and_goes_in(client, analyst, opened):
    """The other side of the bomb tests' ``opened == []``: a workbook within the limits is read."""
    client.force_login(analyst)
    response = client.post(
        reverse("seizure-import-file"), {"file": _upload(xlsx_bytes([row(reference="BOMB-3")]))}
    )
    assert response.status_code == 201, response.content[:300]
    assert SHEET in opened


def test_one_member_over_its_own_limit_is_refused(client, analyst, settings):
    content = xlsx_bytes([row(reference="BOMB-2")])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        largest = max(info.file_size for info in archive.infolist())
    settings.SEIZURES_IMPORT_XLSX_MAX_MEMBER_BYTES = largest - 1
    client.force_login(analyst)
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 400
    assert "unpacks to more than" in response.json()["file"][0]
    settings.SEIZURES_IMPORT_XLSX_MAX_MEMBER_BYTES = largest
    response = client.post(reverse("seizure-import-file"), {"file": _upload(content)})
    assert response.status_code == 201, response.content[:300]
    assert SeizureReport.objects.filter(reference="BOMB-2").exists()
