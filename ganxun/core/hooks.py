"""Hooks: how a lower layer reaches code of a higher one without importing it (see docs/architecture.md).

The lower app declares a hook; the higher app fills it in its ``AppConfig.ready``.  So ``core`` shows the audit
trail's changes in an edit conflict and composes the home page from the apps' parts, and ``hours`` shows a
cadre's sessions on 我的学习, while ``ganxun/core/tests/test_layers.py`` keeps every import pointing downwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class Hook:
    """One function a higher app provides (``hook.provide(fn)``); calling the hook calls it."""

    def __init__(self, name: str, default: Callable[..., Any] | None = None) -> None:
        self.name = name
        self._function = default

    def provide(self, function: Callable[..., Any]) -> Callable[..., Any]:
        self._function = function
        return function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._function is None:
            raise ImproperlyConfigured(f"No installed app provides the hook {self.name!r}.")
        return self._function(*args, **kwargs)


class Parts:
    """Many functions, one per app that takes part (``parts.add(key, fn)``), called in the order of their keys.

    A key is added once: ``ready`` may run again in tests without doubling a part.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: dict[str, Callable[..., Any]] = {}

    def add(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        self._functions[key] = function
        return function

    def __iter__(self):
        return iter(self._functions[key] for key in sorted(self._functions))

    def collect(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Every part's dict merged, in order of the keys."""
        merged: dict[str, Any] = {}
        for function in self:
            merged.update(function(*args, **kwargs))
        return merged
