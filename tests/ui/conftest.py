"""Page tests read the English source text: the browser asks for English by the language cookie."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(client) -> None:
    client.set_cookie("lang", "en")
