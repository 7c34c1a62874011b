"""German offering texts are written for learners (about level B1): Wiener Sachtextformel."""
import statistics

from actions import config, readability
from actions.knowledge import load_knowledge


def test_simple_and_hard_german_score_apart() -> None:
    simple = "Hier bekommen Sie Rat. Die Hilfe ist kostenlos. Rufen Sie uns an."
    hard = ("Die Migrationsberatungsstellen unterstützen erwachsene Zugewanderte bei aufenthaltsrechtlichen "
            "Fragestellungen, Anerkennungsverfahren ausländischer Berufsqualifikationen und Integrationskursangelegenheiten.")
    assert readability.score(simple) < 4 < readability.MAX_SCORE < readability.score(hard)


def test_every_offering_text_is_plain_german() -> None:
    knowledge = load_knowledge(config.KNOWLEDGE_DIR)
    results = readability.scored(readability.german_texts(knowledge))
    assert len(results) == 2 * len(knowledge.offerings)  # a summary and a description per offering
    too_hard = [r for r in results if r[0] > readability.MAX_SCORE]
    worst = "\n".join(f"{value:5.1f}  {label}: {text[:120]}" for value, label, text in results[:10])
    assert not too_hard, f"{len(too_hard)} Texte über {readability.MAX_SCORE}; die schwersten:\n{worst}"
    median = statistics.median(r[0] for r in results)
    assert median <= readability.MAX_MEDIAN, f"Median {median:.1f} > {readability.MAX_MEDIAN}; die schwersten:\n{worst}"
