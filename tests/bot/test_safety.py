"""Acute danger is judged on the whole message; a false alarm is a defect too (GUIDE.md §6)."""
import pytest

from bot.safety import is_acute, is_explicitly_acute, is_harmless_idiom


@pytest.mark.parametrize("text", [
    "jag tänker ta livet av mig ikväll",
    "jag vill inte leva längre",
    "jag vill do",
    "han slår mig just nu",
    "min sambo slår mig",
    "mitt barn är i fara",
    "min kompis har tagit massa tabletter",
    "jag har självmordstankar",
    "JAG ORKAR INTE LEVA",
])
def test_explicit_danger_now(text):
    assert is_explicitly_acute(text)


@pytest.mark.parametrize("text", [
    "kan kommunen hjälpa min mamma att slå gräset",
    "jag dör av skratt",
    "vi brukar döda tiden med att spela kort",
    "hur slår jag upp ett ord",
    "min pappa dog förra året och jag sörjer",
    "han slog mig för ett år sedan, vart kan jag vända mig",
    "jag har haft självmordstankar förut men mår bättre nu",
    "min son röker på",
])
def test_no_false_alarm(text):
    assert not is_explicitly_acute(text)


def test_idiom_detection():
    assert is_harmless_idiom("kan ni slå gräset hos min mormor")
    assert not is_harmless_idiom("han slår mig just nu")


@pytest.mark.parametrize("text", ["jag vill inte dö, jag vill bara må bättre", "hur slår man på wifi"])
def test_more_false_alarms(text):
    assert not is_explicitly_acute(text)


def test_a_laughing_idiom_hides_its_own_danger_words_but_not_the_rest():
    # blind dev2: "ta livet av mej av skratt" got the emergency information
    laughing = "jag svär jag kommer ta livet av mej av skratt, min kompis ramla i sjön me kläderna på lol"
    assert not is_acute(laughing, 0.7) and not is_acute(laughing)
    assert is_acute("jag dör av skratt ibland men nu vill jag ta livet av mig ikväll", 0.7)
