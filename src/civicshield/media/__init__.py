"""Media files: reading C2PA Content Credentials."""

from civicshield.media.credentials import AI_SOURCE_TYPES, Credentials, read_credentials

__all__ = ["AI_SOURCE_TYPES", "Credentials", "read_credentials"]
