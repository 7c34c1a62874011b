"""Towns that are also common German words are places only where a place is meant.

"Das macht keinen Sinn" must not set the remembered place to the municipality Sinn.
The generator leaves such names out of the lookup table and emits a regex ``place``
that needs a preposition (or the name alone as the whole message).  The extraction is
checked with Rasa's own RegexEntityExtractor, trained on the real NLU data and
configured as in config.yml (no model training needed).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.regex_entity_extractor import RegexEntityExtractor
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from scripts import gen_nlu_places

ROOT = Path(__file__).resolve().parents[2]

PLACES = yaml.safe_load((ROOT / "data" / "places.yml").read_text(encoding="utf-8"))["nlu"]


def block(kind: str, name: str) -> list:
    found = [b for b in PLACES if b.get(kind) == name]
    assert len(found) == 1
    return [line.strip()[2:] for line in found[0]["examples"].splitlines()]


def test_common_word_towns_are_not_in_the_lookup_table() -> None:
    lookup = set(block("lookup", "place"))
    assert {"Sinn", "Mücke", "Brechen", "Wetter", "Langen", "König"} <= set(gen_nlu_places.COMMON_WORD_PLACES)
    assert lookup & set(gen_nlu_places.COMMON_WORD_PLACES) == set()
    # the rest of the gazetteer is still there, including longer names with these words
    assert {"Kassel", "Gießen", "Bad König", "Sinntal", "Langenselbold", "Wetteraukreis"} <= lookup


def test_common_word_towns_get_a_place_regex_and_keep_their_synonyms() -> None:
    regexes = block("regex", "place")
    assert regexes == gen_nlu_places.context_regexes(sorted(gen_nlu_places.COMMON_WORD_PLACES))
    assert all("Sinn" in r and "Mücke" in r for r in regexes)
    assert "König" in block("synonym", "Bad König")


@pytest.fixture(scope="module")
def extractor(tmp_path_factory) -> RegexEntityExtractor:
    step = next(c for c in yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
                if c["name"] == "RegexEntityExtractor")
    config = {**RegexEntityExtractor.get_default_config(), **{k: v for k, v in step.items() if k != "name"}}
    assert config["use_regexes"] and config["use_lookup_tables"]
    component = RegexEntityExtractor.create(
        config, LocalModelStorage(tmp_path_factory.mktemp("model")), Resource("regex_entity_extractor"),
        ExecutionContext(GraphSchema({}), "test"))
    component.train(load_data(str(ROOT / "data" / "nlu.yml")).merge(load_data(str(ROOT / "data" / "places.yml"))))
    return component


def places(extractor: RegexEntityExtractor, text: str) -> list:
    message = Message(data={"text": text})
    extractor.process([message])
    return [e["value"] for e in message.get("entities", []) if e["entity"] == "place"]


@pytest.mark.parametrize("text", [
    "Das macht keinen Sinn", "Was ist der Sinn vom Integrationsplan?", "das macht sofort Sinn",
    "Ich habe nur das im Sinn", "Wie wird das Wetter morgen?", "bei dem Wetter bleibe ich zuhause",
    "Wetter", "Ich muss brechen", "Mir ist schlecht, ich könnte brechen", "Der König von England",
    "eine Mücke hat mich gestochen", "nach langen Jahren endlich", "Ich warte seit langen Monaten",
    "in langen Schlangen stehen", "Die Regeln darf man nicht brechen",
])
def test_common_words_are_not_places(extractor: RegexEntityExtractor, text: str) -> None:
    assert places(extractor, text) == []


@pytest.mark.parametrize("text, value", [
    ("Ich wohne in Sinn", "Sinn"), ("deutschkurs in sinn", "sinn"), ("Sinn", "Sinn"),
    ("Ich komme aus Mücke.", "Mücke"), ("wohne in muecke", "muecke"), ("Beratung bei Brechen?", "Brechen"),
    ("Einbürgerung in Wetter", "Wetter"), ("Deutschkurs im Raum Langen", "Langen"), ("Langen", "Langen"),
    ("Mein Wohnort: Langen", "Langen"), ("Gemeinde Mücke", "Mücke"), ("Angebote für König", "König"),
    ("Ich lebe in Bad König", "Bad König"), ("in Sinntal", "Sinntal"), ("Langenselbold", "Langenselbold"),
    ("Kurse in Kassel", "Kassel"),
])
def test_common_word_towns_are_places_after_a_preposition_or_alone(extractor: RegexEntityExtractor,
                                                                   text: str, value: str) -> None:
    assert places(extractor, text) == [value]
