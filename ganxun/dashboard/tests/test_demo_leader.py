"""The demo's leader account: the bureau's 局长, whose home is the dashboard of the bureau (and of the units below,
when it has any)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ganxun.accounts.models import User
from ganxun.dashboard.scope import is_leader
from ganxun.demo.bureau import load_bureau


@pytest.mark.django_db
def test_the_demo_leader_opens_the_dashboard(client):
    load_bureau(today=dt.date(2026, 6, 1))
    user = User.objects.get(username="leader")
    assert is_leader(user) and user.cadre.post == "局长"
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert b'data-chart-card="sections"' in response.content
