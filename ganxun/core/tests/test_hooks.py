"""core.hooks: how a lower app reaches a higher one; and the hooks the installed apps fill."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from ganxun.core import concurrency
from ganxun.core.home import home_parts
from ganxun.core.hooks import Hook, Parts
from ganxun.hours import hooks as hours_hooks
from ganxun.training import hooks as training_hooks


def test_an_unfilled_hook_says_which_one():
    hook = Hook("nobody_fills_me")
    with pytest.raises(ImproperlyConfigured, match="nobody_fills_me"):
        hook()


def test_a_hook_calls_what_was_provided_or_its_default():
    assert Hook("with_default", default=lambda x: x + 1)(1) == 2
    hook = Hook("provided")
    hook.provide(lambda x: x * 2)
    assert hook(4) == 8


def test_parts_merge_in_the_order_of_their_keys_and_a_key_counts_once():
    parts = Parts("parts")
    parts.add("2-b", lambda: {"who": "b", "b": 1})
    parts.add("1-a", lambda: {"who": "a", "a": 1})
    parts.add("2-b", lambda: {"who": "b", "b": 2})  # ready() run again: replaces, not doubles
    assert parts.collect() == {"who": "b", "a": 1, "b": 2}


def test_the_installed_apps_fill_the_hooks():
    for hook in (
        concurrency.events_of,
        hours_hooks.session_activities,
        training_hooks.sync_ledger,
        training_hooks.session_default_hours,
        training_hooks.evaluation_averages,
    ):
        assert hook._function is not None, hook.name
    assert len(list(home_parts)) == 5
    assert len(list(hours_hooks.learning_parts)) == 3
