"""Docflow: paperless official-document workflow for Indonesian city governments."""
from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(config: Any = None):
    """Create and wire the Flask application (import-light: Flask loads only here)."""
    from docflow.app import build_app

    return build_app(config)
