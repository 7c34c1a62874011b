"""Build the project's German spaCy pipeline from registry packages only.

``de_core_news_sm`` is distributed as a GitHub release, which some machines cannot
reach.  This script builds an equivalent-for-our-purposes pipeline from what PyPI
provides: spaCy's German language data (tokenizer rules, stop words) and the German
lemma lookup table from ``spacy-lookups-data``.  It has no statistical components and
no word vectors; Rasa's CountVectors/DIET featurizers do the learning.

The result is packaged as the pip package ``de_hessen_pipeline`` so ``config.yml``
refers to it by name, exactly like ``de_core_news_sm`` (see docs/betrieb.md, "spaCy-Modell").
The build is reproducible: same spaCy and lookups versions give the same files.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import spacy

NAME = "hessen_pipeline"  # spaCy prefixes the language: de_hessen_pipeline
VERSION = "1.0.0"


def build(out_dir: Path) -> Path:
    """Create the pipeline directory and return it."""
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data
    nlp.meta.update({
        "name": NAME,
        "version": VERSION,
        "description": "German tokenizer + lookup lemmatizer built from spaCy and spacy-lookups-data",
        "author": "Integrationsbot Hessen",
        "license": "MIT",
    })
    out_dir.mkdir(parents=True, exist_ok=True)
    model_dir = out_dir / "model"
    if model_dir.exists():
        shutil.rmtree(model_dir)
    nlp.to_disk(model_dir)
    return model_dir


def package(model_dir: Path, out_dir: Path) -> Path:
    """Turn the pipeline directory into a wheel with ``spacy package``."""
    dist = out_dir / "dist"
    if dist.exists():
        shutil.rmtree(dist)
    dist.mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "spacy", "package", str(model_dir), str(dist),
                    "--build", "wheel", "--force"], check=True)
    wheels = list(dist.rglob("*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one wheel in {dist}, found {wheels}")
    return wheels[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("build/spacy"))
    args = parser.parse_args()
    wheel = package(build(args.out), args.out)
    print(wheel)


if __name__ == "__main__":
    main()
