"""The lesson file served with HTTP range requests: whole (200), one range (206 with Content-Range), a suffix,
an open end, a range past the end (416), and headers that are ignored (several ranges, garbage)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import TestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.roster.tests.factories import CadreFactory, UserFactory

from ..models import LessonKind
from ..ranges import Unsatisfiable, parse_range
from .factories import AssignmentFactory, LessonFactory

BODY = bytes(range(256)) * 40  # 10 240 bytes, every offset recognisable


class RangeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lesson = LessonFactory(kind=LessonKind.VIDEO, file=ContentFile(BODY, name="clip.webm"), length_seconds=30)
        cls.cadre = CadreFactory()
        AssignmentFactory(course=cls.lesson.course, cadre=cls.cadre)
        cls.user = UserFactory(username="range_cadre", role=Role.CADRE, cadre=cls.cadre)
        cls.url = reverse("microclass:lesson_file", args=[cls.lesson.pk])

    def setUp(self):
        self.client.force_login(self.user)

    def get(self, range_header: str | None = None):
        headers = {"Range": range_header} if range_header is not None else {}
        return self.client.get(self.url, headers=headers)

    def test_without_a_range_the_whole_file_and_that_ranges_are_accepted(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), BODY)
        self.assertEqual(response["Accept-Ranges"], "bytes")
        self.assertEqual(response["Content-Length"], str(len(BODY)))
        self.assertEqual(response["Content-Type"], "video/webm")

    def test_a_range_is_206_with_exactly_those_bytes(self):
        response = self.get("bytes=100-199")
        self.assertEqual(response.status_code, 206)
        self.assertEqual(b"".join(response.streaming_content), BODY[100:200])
        self.assertEqual(response["Content-Range"], f"bytes 100-199/{len(BODY)}")
        self.assertEqual(response["Content-Length"], "100")
        self.assertEqual(response["Accept-Ranges"], "bytes")

    def test_an_open_end_a_suffix_and_an_end_past_the_file(self):
        size = len(BODY)
        response = self.get("bytes=10000-")
        self.assertEqual((response.status_code, response["Content-Range"]), (206, f"bytes 10000-{size - 1}/{size}"))
        self.assertEqual(b"".join(response.streaming_content), BODY[10000:])
        response = self.get("bytes=-16")
        self.assertEqual(b"".join(response.streaming_content), BODY[-16:])
        self.assertEqual(response["Content-Range"], f"bytes {size - 16}-{size - 1}/{size}")
        response = self.get(f"bytes={size - 1}-{size + 500}")  # the last byte, the end clamped
        self.assertEqual((response.status_code, b"".join(response.streaming_content)), (206, BODY[-1:]))
        response = self.get("bytes=-999999")  # a suffix longer than the file: the whole file
        self.assertEqual(response["Content-Range"], f"bytes 0-{size - 1}/{size}")

    def test_a_range_past_the_end_is_416(self):
        size = len(BODY)
        for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
            response = self.get(header)
            self.assertEqual(response.status_code, 416, header)
            self.assertEqual(response["Content-Range"], f"bytes */{size}")

    def test_headers_that_are_not_one_byte_range_are_ignored(self):
        for header in ("bytes=0-1,5-6", "items=0-5", "bytes=9-3", "bytes=abc", "bytes=-"):
            response = self.get(header)
            self.assertEqual(response.status_code, 200, header)
            self.assertEqual(b"".join(response.streaming_content), BODY)

    def test_someone_not_assigned_gets_404(self):
        stranger = UserFactory(username="range_other", role=Role.CADRE, cadre=CadreFactory())
        self.client.force_login(stranger)
        self.assertEqual(self.get("bytes=0-9").status_code, 404)


def test_parse_range_at_the_edges():
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=9-9", 10) == (9, 9)
    assert parse_range("bytes=0-", 10) == (0, 9)
    assert parse_range(None, 10) is None
    for header in ("bytes=10-", "bytes=-0"):
        try:
            parse_range(header, 10)
        except Unsatisfiable:
            continue
        raise AssertionError(header)
