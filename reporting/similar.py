"""Groups similar questions, so that an editor reads one line per kind of question.

Texts are normalised (lower case, umlauts folded, punctuation dropped, same letters for
Arabic/Persian variants: ``actions.places.normalise``), identical normalised texts are one
variant, and variants are compared by TF-IDF of character n-grams (scikit-learn, which
Rasa installs), so that typos, endings and word order matter little. Greedy: the most
frequent variant starts a group, every further variant joins the group whose first
variant is most similar to it, if at least ``threshold`` (cosine), else starts its own group.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, List, Tuple

from actions.places import normalise

#: Cosine similarity of character n-gram TF-IDF from which two questions count as alike.
THRESHOLD = 0.5


@dataclass
class Group:
    """Similar questions: ``variants`` are (text as typed, count), most frequent first."""

    variants: List[Tuple[str, int]]

    @property
    def count(self) -> int:
        return sum(n for _, n in self.variants)

    @property
    def text(self) -> str:
        return self.variants[0][0]


def group(texts: Iterable[str], threshold: float = THRESHOLD) -> List[Group]:
    """Groups of similar texts, the largest first (ties: alphabetical)."""
    by_key: dict = {}
    for text in texts:
        key = normalise(text) or text.strip().lower()
        by_key.setdefault(key, Counter())[text] += 1
    keys = sorted(by_key, key=lambda k: (-sum(by_key[k].values()), k))
    if not keys:
        return []
    members: List[List[str]] = []
    if len(keys) > 1:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(keys)
        heads: List[int] = []
        for index in range(len(keys)):
            similarity = (vectors[heads] @ vectors[index].T).toarray().ravel() if heads else []
            best = max(range(len(heads)), key=lambda h: similarity[h], default=None)
            if best is not None and similarity[best] >= threshold:
                members[best].append(keys[index])
            else:
                heads.append(index)
                members.append([keys[index]])
    else:
        members = [keys]
    groups = []
    for keys_of_group in members:
        variants: Counter = Counter()
        for key in keys_of_group:
            spelled, _ = by_key[key].most_common(1)[0]  # one spelling per normalised text
            variants[spelled] += sum(by_key[key].values())
        groups.append(Group(sorted(variants.items(), key=lambda v: (-v[1], v[0]))))
    return sorted(groups, key=lambda g: (-g.count, g.text))
