"""Custom Rasa NLU components and policies (config.yml). Importing them changes nothing in Rasa."""
