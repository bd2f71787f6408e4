"""Builds the Swedish spaCy pipeline that Rasa's SpacyNLP loads by path.

spaCy's trained Swedish model (sv_core_news_sm) is distributed outside the package registries this
project can reach, so by default we build a small pipeline ourselves: a blank Swedish tokenizer plus
the lookup lemmatizer whose table ships in spacy-lookups-data. When sv_core_news_sm *is* installed we
save that instead, so nothing else has to change.

Usage: python -m bot.spacy_sv build/spacy_sv
"""
from __future__ import annotations

import sys
from pathlib import Path


def build_pipeline():
    import spacy

    try:
        return spacy.load("sv_core_news_sm"), "sv_core_news_sm"
    except OSError:
        pass
    nlp = spacy.blank("sv")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma_lookup table from spacy-lookups-data
    return nlp, 'spacy.blank("sv") + lookup-lemmatiserare (spacy-lookups-data)'


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "build/spacy_sv")
    nlp, source = build_pipeline()
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    print(f"    spaCy-pipeline från {source} sparad i {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
