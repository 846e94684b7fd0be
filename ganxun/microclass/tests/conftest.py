"""Every 微课堂 test stores its lesson files in a temporary MEDIA_ROOT, removed at the end."""

from __future__ import annotations

import shutil
import tempfile

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def microclass_media():
    path = tempfile.mkdtemp(prefix="ganxun-microclass-")
    with override_settings(MEDIA_ROOT=path):
        yield path
    shutil.rmtree(path, ignore_errors=True)
