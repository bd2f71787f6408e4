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


@pytest.mark.parametrize("text", [
    "Jag hittade min dotter med ett bälte runt halsen i garderoben. Hon lever och pratar men är helt borta.",
    "Jag sover ute, det är minus 15 inatt. Mina fötter är vita och jag känner inte tårna längre.",
    "jag har slutat äta och dricka sedan i måndags. jag vill inte vara till besvär för någon längre.",
])
def test_a_medical_emergency_described_in_own_words_is_acute_whatever_the_classifier_says(text):
    # blind dev3: the classifier gave these 0.49, 0.57 and 0.02, below both of its thresholds
    assert is_acute(text, 0.02) and is_explicitly_acute(text)


@pytest.mark.parametrize("text", [
    "min son har fått ett rep runt midjan när han klättrar",
    "det är minus 15 ute och jag fryser om tårna när jag går till jobbet",
    "han har slutat dricka alkohol och äter bättre nu",
    "jag sitter ute på balkongen fast det är minus 3",
    "jag har en halsduk runt halsen hela vintern",
    "katten har slutat äta och dricka, vad gör jag",
])
def test_the_always_acute_descriptions_leave_everyday_sentences_alone(text):
    assert not is_acute(text, 0.1)


def test_a_nurse_used_to_overdoses_at_work_is_no_emergency():
    # blind dev3: "van vid överdoser" matched the overdose keyword and the classifier gave 0.76
    nurse = ("Jag jobbar som sjuksköterska på akuten så jag är van vid överdoser och folk som blöder, det "
             "skrämmer mig inte. Men nu gäller det min bror privat. Han har druckit för mycket sen skilsmässan")
    assert not is_acute(nurse, 0.76) and not is_acute(nurse)
    assert is_acute("jag är van vid överdoser från jobbet men nu har min son tagit en massa tabletter", 0.76)


@pytest.mark.parametrize("harmless,dangerous", [
    # blind dev4: both gave the emergency information
    ("mamma slår mig alltid i kortspel haha men det e inte det jag skulle fråga. hon dricker mycket vin",
     "mamma slår mig när hon dricker vin"),
    ("skar mig lite på kniven i hemkunskapen idag haha inget farligt, skolsköterskan satte plåster. jag e ledsen typ jämt",
     "jag skär mig i armen varje kväll när jag är ledsen"),
])
def test_a_game_lost_or_a_kitchen_cut_is_no_emergency_but_the_real_thing_still_is(harmless, dangerous):
    assert not is_acute(harmless, 0.7) and not is_acute(harmless)
    assert is_acute(dangerous, 0.7)
