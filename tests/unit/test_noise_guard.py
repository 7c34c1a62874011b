"""Nonsense becomes a misunderstanding; typos and known words do not."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from components.noise_guard import NoiseGuard, is_noise

ROOT = Path(__file__).resolve().parents[2]


def training_vocabulary() -> set:
    texts = []
    for name in ("nlu.yml", "places.yml"):
        for block in yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))["nlu"]:
            texts += [line.strip()[2:] for line in (block.get("examples") or "").splitlines()]
    return NoiseGuard.vocabulary_of(texts)


VOCABULARY = training_vocabulary()


@pytest.mark.parametrize("text", ["blorp zzkx wuuu", "qqq vvv xyxy", "sdfkj wqpoi"])
def test_nonsense_is_noise(text: str) -> None:
    assert is_noise(text, VOCABULARY, 0.8)


@pytest.mark.parametrize("text", ["deutschkurss kasel", "Hallo", "einbürgerunk", "help me please",
                                  "Schlüchtern", "123", "?", "ok", "Grüezi"])
def test_words_typos_and_no_words_are_not_noise(text: str) -> None:
    assert not is_noise(text, VOCABULARY, 0.8)


def test_no_training_sentence_is_noise() -> None:
    data = yaml.safe_load((ROOT / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    sentences = [line.strip()[2:] for b in data if b.get("intent") for line in b["examples"].splitlines()]
    assert [s for s in sentences if is_noise(s, VOCABULARY, 0.8)] == []
