"""Signals of the approval route, for features above it that act when a letter reaches a state.

The workflow sits below them and imports none of them: a receiver connects itself (the retention
feature carries out a batch when its berita acara is signed) when its module is imported, which
create_app does for every feature; a script that signs letters without the app imports the receiving
module itself. Receivers run inside the signing transaction, so what they write commits or rolls back
with the signature.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the session as sender, and document= and now=, after a letter is signed and numbered.
letter_signed = _signals.signal("letter-signed")
