"""The rescue of long messages under the fallback threshold (bot/nlu/topic_agreement.py)."""
from bot.nlu.topic_agreement import agreed_topic_intent

RANKING = [{"name": "nlu_fallback", "confidence": 0.2}, {"name": "behov_separation", "confidence": 0.08},
           {"name": "behov_brott", "confidence": 0.08}, {"name": "behov_psykisk_ohalsa", "confidence": 0.07}]


def test_classifier_and_vocabulary_agree():
    text = "har åkt fast för snatteri, polarna håller på med kriminalitet och jag vill ut ur det"
    assert agreed_topic_intent(text, RANKING)["name"] == "behov_brott"


def test_no_topic_word_means_no_rescue():
    assert agreed_topic_intent("det är så mycket just nu och jag vet inte", RANKING) is None


def test_a_topic_outside_the_top_three_is_not_taken():
    ranking = RANKING + [{"name": "behov_beroende", "confidence": 0.07}]  # fourth after nlu_fallback
    assert agreed_topic_intent("han dricker och jag vet inte vad jag ska göra", ranking) is None
    assert agreed_topic_intent("han dricker och jag vet inte vad jag ska göra", RANKING[:3] + ranking[4:])


def test_too_weak_a_candidate_is_not_taken():
    ranking = [{"name": "nlu_fallback", "confidence": 0.2}, {"name": "behov_beroende", "confidence": 0.03}]
    assert agreed_topic_intent("han dricker varje dag", ranking) is None
