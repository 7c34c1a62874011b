"""Custom Rasa input channels of the integration bot (enabled in credentials.yml)."""
