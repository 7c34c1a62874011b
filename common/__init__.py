"""Code that both processes use: the Rasa server (components/, channels/, stores/) and the
action server (actions/).

Neither side imports the other; what both need lives here (tests/unit/test_layout.py):

* ``common.language``: which of the seven languages is a message in?
* ``common.wording``: the text of a response in domain.yml for the user's language;
* ``common.masking``: the patterns for personal data (masked before storing, cut out before NLU);
* ``common.settings``: every environment variable, read in one place (docs/einstellungen.md);
* ``common.yaml_files``: reading YAML with the C loader.
"""
