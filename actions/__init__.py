"""Custom actions of the Hessen integration bot (run by the Rasa SDK action server)."""
