"""The rotating check-in token: rotation, expiry, forgery, and binding to one session."""

from unittest import mock

from django.core import signing
from django.test import SimpleTestCase, override_settings

from ganxun.training import checkin as tokens
from ganxun.training.checkin import TokenError, TokenProblem

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
