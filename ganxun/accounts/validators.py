"""Password rules beyond Django's own (等保 2.0: complexity, nothing personal, a real change)."""

from __future__ import annotations

import itertools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import Style, pinyin

_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^a-zA-Z\d]"))
_CJK = re.compile(r"[\u3400-\u9fff]")
# Separators people put between the parts of a name: zhang.san, Zhang_San, zhang-san 2026.
_SEPARATORS = re.compile(r"[\W_]+")
# Shorter pieces (a one-character given name, a two-letter username) would forbid too much to mean anything.
_MIN_LATIN, _MIN_CJK = 3, 2
_MAX_READINGS = 64


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if sum(1 for c in _CLASSES if c.search(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "The password must contain at least %(n)d of: lower-case letters, upper-case letters, digits, symbols."
        ) % {"n": self.min_classes}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def name_readings(name: str) -> set[str]:
    """A Chinese name as people type it in a password: the characters, and its pinyin surname first and last.

    Every reading of a character is taken (单 is shan as a surname), ü both as v and u, compound surnames
    (欧阳) either one or two characters long.
    """
    name = _fold(name.strip())
    found = {name}
    if not _CJK.search(name):
        found.add(_SEPARATORS.sub("", name))
        return found
    hanzi = "".join(_CJK.findall(name))
    syllables = [
        sorted({r.replace("ü", "v") for r in readings} | {r.replace("ü", "u") for r in readings})
        for readings in pinyin(hanzi, style=Style.NORMAL, heteronym=True, v_to_u=True)
    ]
    for combination in itertools.islice(itertools.product(*syllables), _MAX_READINGS):
        found.add("".join(combination))
        for split in (1, 2):  # the given name first: a one- or two-character surname moved to the end
            if split < len(combination):
                found.add("".join(combination[split:] + combination[:split]))
    return found


def personal_names(user) -> set[str]:
    """Everything that names the account's owner: username, first and last name, the linked cadre's name."""
    names: set[str] = set()
    username = getattr(user, "username", "") or ""
    if username:
        names |= {_fold(username), _fold(username)[::-1], _SEPARATORS.sub("", _fold(username))}
    for value in (getattr(user, "first_name", ""), getattr(user, "last_name", "")):
        if value:
            names |= name_readings(value)
    full = f"{getattr(user, 'last_name', '') or ''}{getattr(user, 'first_name', '') or ''}"
    if _CJK.search(full):
        names |= name_readings(full)
    cadre = getattr(user, "cadre", None) if getattr(user, "cadre_id", None) else None
    if cadre is not None and cadre.name:
        names |= name_readings(cadre.name)
    return {n for n in names if len(n) >= (_MIN_CJK if _CJK.search(n) else _MIN_LATIN)}


class NoPersonalNameValidator:
    """The password may not contain the username or the owner's name, in Chinese characters or in pinyin."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        folded = _fold(password)
        joined = _SEPARATORS.sub("", folded)
        for name in personal_names(user):
            if name in folded or name in joined:
                raise ValidationError(self.get_help_text(), code="password_contains_name")

    def get_help_text(self) -> str:
        return _("The password may not contain your username or your name, in Chinese characters or in pinyin.")


class NotCurrentPasswordValidator:
    """A new password must differ from the one the account has now."""

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None or not user.has_usable_password():
            return
        if user.check_password(password):
            raise ValidationError(_("The new password must differ from the current one."), code="password_unchanged")

    def get_help_text(self) -> str:
        return _("The new password must differ from the current one.")
