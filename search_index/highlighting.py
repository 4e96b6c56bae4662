"""HTML-safe highlighting: escaped document text with <mark> around the matched terms.

Whoosh's highlighting machinery (fragmenter, fragment scorer, formatter) over the stored
text; the matched terms are found with the index's own analysis (analysis.iter_terms), so a
search for "tugas" marks "penugasan" and "ditugaskan" too. Whoosh's default path re-analyzes
every word of every shown body; here only the words near a cheap substring probe are.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator

from whoosh import highlight
from whoosh.analysis import Token

from search_index.analysis import COMPOUNDS, iter_terms, number_parts

FRAGMENT_CHARS = 160
FRAGMENT_COUNT = 3
# Context kept before the first and after the last match of a fragment.
FRAGMENT_SURROUND = 60
# Matches looked at when choosing fragments; reading on through a long letter rarely finds
# better passages and costs time on every hit shown.
MAX_MATCHES = 40
# Highlighting re-analyzes stored text; past this point a long body costs more than the
# extra fragments are worth.
HIGHLIGHT_CHAR_LIMIT = 20_000
ELLIPSIS = "…"

Span = tuple[str, int, int]  # (term, startchar, endchar)


def escape(text: str) -> str:
    """Return text escaped for HTML element content and attribute values."""
    return html.escape(text, quote=True)


class MarkFormatter(highlight.Formatter):
    """Escape all text and wrap each matched term in <mark>…</mark>."""

    between = " " + ELLIPSIS + " "

    def _text(self, text: str) -> str:
        return escape(text)

    def format_token(self, text: str, token: Token, replace: bool = False) -> str:
        """Return one matched term as escaped text inside <mark>."""
        return "<mark>%s</mark>" % escape(highlight.get_text(text, token, replace))


_FORMATTER = MarkFormatter()
# Non-retokenizing: it cuts fragments around the positions of the matched terms alone, so
# only the words near a probe hit need analyzing (see _candidate_terms).
_FRAGMENTER = highlight.PinpointFragmenter(
    maxchars=FRAGMENT_CHARS - 2 * FRAGMENT_SURROUND, surround=FRAGMENT_SURROUND, autotrim=True,
    charlimit=HIGHLIGHT_CHAR_LIMIT,
)
_SCORER = highlight.BasicFragmentScorer()


def highlight_whole(text: str, terms: frozenset[str]) -> str:
    """Return the whole text escaped, with every matched term marked."""
    matches = _matches(text, terms) if terms and text else []
    if not matches:
        return escape(text)
    return _FORMATTER.format_fragment(highlight.Fragment(text, matches, 0, len(text)))


def highlight_fragments(text: str, terms: frozenset[str]) -> list[str]:
    """Return up to three short escaped fragments around matches, or the opening if none match."""
    if not text:
        return []
    matches = _matches(text[:HIGHLIGHT_CHAR_LIMIT], terms, MAX_MATCHES) if terms else []
    if not matches:
        return [escape(opening(text))]
    if len(text) <= FRAGMENT_CHARS:
        return [_with_ellipses(highlight.Fragment(text, matches, 0, len(text)))]
    fragments = _FRAGMENTER.fragment_matches(text, matches)
    best = highlight.top_fragments(fragments, FRAGMENT_COUNT, _SCORER, highlight.FIRST)
    # The fragmenter's context may take in matches it did not group; mark those too.
    return [_with_ellipses(highlight.Fragment(
        text, [m for m in matches if f.startchar <= m.startchar and m.endchar <= f.endchar],
        f.startchar, f.endchar)) for f in best]


def _with_ellipses(fragment: highlight.Fragment) -> str:
    body = " ".join(_FORMATTER.format_fragment(fragment).split())
    prefix = ELLIPSIS + " " if fragment.startchar > 0 else ""
    suffix = " " + ELLIPSIS if fragment.endchar < len(fragment.text) else ""
    return prefix + body + suffix


def _matches(text: str, terms: frozenset[str], limit: int | None = None) -> list[Token]:
    """Return Whoosh tokens for the matched terms of text, in order (at most `limit`)."""
    matches: list[Token] = []
    for term, start, end in _candidate_terms(text, _probe(terms)):
        # A number cited in the text is marked whole when part of it was searched for ("bappeda").
        if term in terms or ("/" in term and not terms.isdisjoint(number_parts(term))):
            token = Token(chars=True, boost=1.0, text=term, startchar=start, endchar=end)
            token.matched = True
            matches.append(token)
            if limit is not None and len(matches) >= limit:
                break
    return matches


def _probe(terms: frozenset[str]) -> re.Pattern[str]:
    # An Indonesian root is its word minus affixes, save that the first letter may change
    # (penugasan -> tugas, menyapu -> sapu): a word without a term's tail cannot stem to it.
    # A compound term is also reached through the first word of its two-word spelling.
    tails = {term[1:] if len(term) > 2 else term for term in terms}
    tails.update(first[1:] for (first, _second), joined in COMPOUNDS.items() if joined in terms)
    ordered = sorted(tails, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered)), re.IGNORECASE)


def _candidate_terms(text: str, probe: re.Pattern[str]) -> Iterator[Span]:
    """Yield the terms of text around each probe hit, analyzing only those few words."""
    if not text.isascii():
        # Folding may change offsets outside ASCII: analyze everything (only the words the
        # probe admits are stemmed).
        yield from iter_terms(text, only=probe.search)
        return
    done = 0  # hits before this offset lie in a word already analyzed
    for hit in probe.finditer(text):
        if hit.start() < done:
            continue
        word_start = _chunk_start(text, hit.start())
        word_end = _chunk_end(text, hit.end())
        # Analyze the word with one word of context on each side, since a compound
        # ("tindak lanjut") spans two words; yield only the terms of the word itself.
        window_start = _chunk_start(text, _skip_space_left(text, word_start))
        window_end = _chunk_end(text, _skip_space_right(text, word_end))
        for term, s, e in iter_terms(text[window_start:window_end]):
            if window_start + e > word_start and window_start + s < word_end:
                yield term, window_start + s, window_start + e
        done = word_end


def _skip_space_left(text: str, position: int) -> int:
    while position > 0 and text[position - 1].isspace():
        position -= 1
    return position


def _skip_space_right(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _chunk_start(text: str, position: int) -> int:
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _chunk_end(text: str, position: int) -> int:
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def opening(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """Return the start of text, cut at a word boundary near `limit` characters."""
    collapsed = " ".join(text.split())
    if len(collapsed) <= limit:
        return collapsed
    cut = collapsed.rfind(" ", 0, limit)
    return collapsed[: cut if cut > limit // 2 else limit] + " " + ELLIPSIS
