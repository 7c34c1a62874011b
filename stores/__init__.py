"""Conversation storage: the privacy-preserving SQL tracker store and the retention command."""
