"""The one redaction function: personal data out, everything else untouched, values never returned."""
import pytest

from bot.redaction import PLATSHALLARE, redact


@pytest.mark.parametrize("text", [
    "mitt personnummer är 19850312-1234",
    "pnr 850312-1234 tack",
    "850312+1234",
    "198503121234",
    "8503121234",
    "samordningsnummer 850372-1234",
    "personnummer 19850312 1234",
])
def test_personnummer_is_removed(text):
    result = redact(text)
    assert "personnummer" in result.borttaget
    assert PLATSHALLARE["personnummer"] in result.text
    assert "1234" not in result.text


@pytest.mark.parametrize("text", ["ring mig på 070-123 45 67", "0701234567", "+46 70 123 45 67", "08-123 456 78"])
def test_phone_numbers_are_removed(text):
    result = redact(text)
    assert result.borttaget == ("telefonnummer",)
    assert not any(ch.isdigit() for ch in result.text)


def test_email_is_removed_before_other_patterns():
    result = redact("skriv till anna.svensson85@example.se eller 0701234567")
    assert result.borttaget == ("epost", "telefonnummer")
    assert "anna" not in result.text and "@" not in result.text


@pytest.mark.parametrize("text", [
    "min son är 16 år", "han går i sjuan", "det hände 2024", "jag har 3 barn och bor i Sala",
    "vi har bott här sedan 1998", "hon är 15–17", "klockan 14.30", "", "😢😢😢",
])
def test_ordinary_text_is_untouched(text):
    assert redact(text).text == text
    assert redact(text).borttaget == ()
