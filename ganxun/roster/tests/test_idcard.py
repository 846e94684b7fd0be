"""ID numbers (GB 11643): checked against an independent implementation on generated numbers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from ganxun.roster.idcard import birth_date_of, check_digit, gender_of, mask_id_number, normalize, validate_id_number


def reference_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 written from the standard: weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11."""
    total = sum(int(digit) * pow(2, 17 - i, 11) for i, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def reference_is_valid(number: str) -> bool:
    digits = set("0123456789")
    if len(number) != 18 or not set(number[:17]) <= digits or number[17] not in digits | {"X"}:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today() and reference_check_char(number[:17]) == number[17]


def is_valid(number: str) -> bool:
    try:
        validate_id_number(number)
    except ValidationError:
        return False
    return True


regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
sequences = st.integers(min_value=0, max_value=999)


# Digits of other scripts (Arabic-Indic, Devanagari, Tai Tham …) pass str.isdigit() and int() but are no ID number.
foreign_digits = st.characters(categories=["Nd"]).filter(lambda c: c not in "0123456789")


@st.composite
def valid_numbers(draw):
    first17 = f"{draw(regions)}{draw(births):%Y%m%d}{draw(sequences):03d}"
    return first17 + reference_check_char(first17)


@given(valid_numbers())
def test_generated_valid_numbers_pass(number):
    assert is_valid(number)
    assert check_digit(number[:17]) == number[17]
    assert birth_date_of(number) == dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert gender_of(number) == ("M" if int(number[16]) % 2 else "F")


@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_caught(number, position, replacement):
    mutated = number[:position] + replacement + number[position + 1 :]
    if mutated != number:
        # MOD 11-2 detects every single substitution, so no mutation of a valid number is valid.
        assert not is_valid(mutated)
        assert is_valid(mutated) == reference_is_valid(mutated)


@given(valid_numbers(), st.integers(min_value=0, max_value=16))
def test_adjacent_transpositions_are_caught(number, position):
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped != number:
        assert not is_valid(swapped)


@given(valid_numbers(), st.integers(min_value=0, max_value=17), foreign_digits)
def test_digits_of_other_scripts_are_rejected(number, position, digit):
    assert not is_valid(number[:position] + digit + number[position + 1 :])


@given(st.text(alphabet="0123456789X", min_size=0, max_size=20))
def test_agrees_with_the_reference_on_arbitrary_strings(text):
    assert is_valid(text) == reference_is_valid(text)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
    ],
)
def test_normalize(written, normalised):
    assert normalize(written) == normalised
    assert is_valid(normalize(written))


def test_mask_keeps_region_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [("1101051949123100", "id_shape"), ("11010519491331002X", "id_birth"), ("110105194912310021", "id_check")],
)
def test_each_rule_has_its_own_message(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == code


def test_a_contact_phone_is_7_to_12_digits_at_the_thresholds():
    from ganxun.roster.idcard import contact_phone

    assert contact_phone("") == ("", None)
    assert contact_phone("6543 210") == ("6543210", None)  # 7 digits, a space taken out
    assert contact_phone("021 6543 2109") == ("02165432109", None)
    assert contact_phone("0086 1391 234") == ("00861391234", None)
    assert contact_phone("008613912345") == ("008613912345", None)  # 12
    assert contact_phone("654321")[1]  # 6
    assert contact_phone("0086139123456")[1]  # 13
    assert contact_phone("021-6543210")[1]  # not only digits
