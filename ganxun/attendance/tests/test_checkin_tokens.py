"""The rotating check-in token: rotation, expiry, forgery, and binding to one session."""

from unittest import mock

from django.core import signing
from django.test import SimpleTestCase, override_settings

from .. import checkin as tokens
from ..checkin import TokenError, TokenProblem

# A moment at the very start of a 45-second window, so that the offsets below are exact.
T0 = 45 * 39_000_000.0


def at(seconds: float):
    return mock.patch.object(tokens, "clock", return_value=T0 + seconds)


@override_settings(GANXUN={"CHECKIN_TOKEN_SECONDS": 45})
class TokenTests(SimpleTestCase):
    def problem(self, token: str, seconds: float, session_id: int | None = None) -> TokenProblem | None:
        with at(seconds):
            try:
                if session_id is None:
                    tokens.read_token(token)
                else:
                    tokens.check_token(token, session_id)
            except TokenError as error:
                return error.problem
        return None

    def test_the_token_changes_with_the_window(self):
        with at(0):
            first = tokens.make_token(7)
        with at(44.9):
            self.assertEqual(tokens.make_token(7), first)
        with at(45):
            self.assertNotEqual(tokens.make_token(7), first)

    def test_the_current_and_the_previous_window_are_accepted(self):
        with at(10):
            token = tokens.make_token(7)
        self.assertIsNone(self.problem(token, 10))
        self.assertIsNone(self.problem(token, 44))
        # The scan at the turn of the window: the screen just changed, the phone still holds the old code.
        self.assertIsNone(self.problem(token, 46))
        self.assertIsNone(self.problem(token, 89))
        with at(89):
            self.assertEqual(tokens.read_token(token), tokens.Token(7, int(T0 // 45)))

    def test_a_token_two_windows_old_has_expired(self):
        with at(0):
            token = tokens.make_token(7)
        self.assertEqual(self.problem(token, 90), TokenProblem.EXPIRED)
        self.assertEqual(self.problem(token, 3600), TokenProblem.EXPIRED)

    def test_a_token_from_the_future_is_not_accepted(self):
        with at(900):
            token = tokens.make_token(7)
        self.assertEqual(self.problem(token, 0), TokenProblem.EXPIRED)

    def test_forged_and_garbled_tokens(self):
        with at(0):
            token = tokens.make_token(7)
        value, signature = token.split(":")
        for bad in (
            "",
            "garbage",
            value,  # no signature
            f"{value}:{signature[:-2]}",  # cut short
            f"{value}:{signature[::-1]}",
            f"8.{value.split('.')[1]}:{signature}",  # another session id under this session's signature
            signing.Signer(key="someone else's key", salt=tokens.SALT).sign(value),
            signing.Signer(salt="another purpose").sign(value),
            signing.Signer(salt=tokens.SALT).sign("7"),  # ours, but not a (session, window) pair
            signing.Signer(salt=tokens.SALT).sign("x.y"),
        ):
            with self.subTest(bad=bad):
                self.assertEqual(self.problem(bad, 0), TokenProblem.FORGED)

    def test_a_valid_token_of_another_session_is_refused_for_this_one(self):
        with at(0):
            token = tokens.make_token(7)
        self.assertIsNone(self.problem(token, 0, session_id=7))
        self.assertEqual(self.problem(token, 0, session_id=8), TokenProblem.OTHER_SESSION)

    def test_seconds_left_counts_down_to_the_next_token(self):
        self.assertEqual(tokens.seconds_left(T0 + 10), 35)
        self.assertEqual(tokens.seconds_left(T0), 45)

    @override_settings(GANXUN={"CHECKIN_TOKEN_SECONDS": 30})
    def test_the_rotation_is_a_setting(self):
        with at(0):
            token = tokens.make_token(7)
        self.assertIsNone(self.problem(token, 59))
        self.assertEqual(self.problem(token, 60), TokenProblem.EXPIRED)


class ScanStampTests(SimpleTestCase):
    """The confirm form's stamp: this user scanned a valid code of this session at this moment."""

    GRACE = 600

    def read(self, stamp: str, at: float, session_id: int = 7, user_id: int = 3) -> float | None:
        return tokens.read_scan_stamp(stamp, session_id, user_id, at=at, grace=self.GRACE)

    def test_it_gives_back_the_moment_of_the_scan(self):
        stamp = tokens.make_scan_stamp(7, 3, T0 + 12.345)
        self.assertEqual(self.read(stamp, T0 + 100), T0 + 12.345)

    def test_it_lasts_the_grace_period_and_not_a_millisecond_more(self):
        stamp = tokens.make_scan_stamp(7, 3, T0)
        self.assertEqual(self.read(stamp, T0 + self.GRACE - 0.001), T0)
        self.assertIsNone(self.read(stamp, T0 + self.GRACE))
        self.assertIsNone(self.read(stamp, T0 + self.GRACE + 0.001))

    def test_a_stamp_from_the_future_is_refused(self):
        self.assertIsNone(self.read(tokens.make_scan_stamp(7, 3, T0 + 1), T0))

    def test_it_is_for_one_session_and_one_user(self):
        stamp = tokens.make_scan_stamp(7, 3, T0)
        self.assertIsNone(self.read(stamp, T0, session_id=8))
        self.assertIsNone(self.read(stamp, T0, user_id=4))

    def test_forged_stamps(self):
        stamp = tokens.make_scan_stamp(7, 3, T0)
        value, signature = stamp.split(":")
        for bad in (
            "",
            "garbage",
            f"{value}:{signature[::-1]}",
            f"7.4.{value.split('.')[2]}:{signature}",  # another user under this user's signature
            signing.Signer(salt=tokens.SALT).sign(value),  # a check-in token's signature is not a stamp's
            signing.Signer(salt=tokens.STAMP_SALT).sign("7.3"),
        ):
            with self.subTest(bad=bad):
                self.assertIsNone(self.read(bad, T0))
