"""The user's query language: words, "phrases", "words"~N, prefix*, AND/OR/NOT (also DAN/ATAU/BUKAN)."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence

from whoosh import matching, qparser
from whoosh.fields import Schema
from whoosh.qparser import plugins
from whoosh.query import And, Not, NullQuery, Or, Phrase, Prefix, Query, SpanNear2, Term

from search_index.analysis import COMPOUNDS, is_pair, iter_terms, pair_term
from search_index.errors import QuerySyntaxError, SearchIndexError
from search_index.schema import FIELD_BOOSTS, PAIR_FIELDS, QUERY_FIELDS

MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 32
MIN_PREFIX_CHARS = 2
# "rapat koordinasi"~N: the words within N positions of each other; more is not "near".
MAX_SLOP = 50

# Office shorthand staff type for what letters spell out; a query word found here also
# matches the expansion as a phrase ("kep 105 tahun 2025" finds "KEPUTUSAN ... NOMOR 105").
ABBREVIATIONS: dict[str, str] = {
    "kep": "keputusan",
    "sk": "surat keputusan",
    "nd": "nota dinas",
    "st": "surat tugas",
    "ba": "berita acara",
    "spt": "surat perintah tugas",
    "sppd": "surat perintah perjalanan dinas",
    "rakor": "rapat koordinasi",
    "bimtek": "bimbingan teknis",
    "juknis": "petunjuk teknis",
    "juklak": "petunjuk pelaksanaan",
    "perda": "peraturan daerah",
    "perwal": "peraturan wali kota",
}

_BINARY_OPERATORS = frozenset({"AND", "OR", "DAN", "ATAU"})
_NOT_OPERATORS = frozenset({"NOT", "BUKAN"})
_LEXEMES = re.compile(r'"[^"]*"(?:~\d+)?|[()]|[^\s()"]+')
# "tindak lanjut" typed as two words must meet the single term the analyzer indexes.
_COMPOUND_WORDS = re.compile(
    r"\b(?:%s)\b" % "|".join(r"%s\s+%s" % pair for pair in COMPOUNDS), re.IGNORECASE
)


class NearPhrase(Phrase):
    """Words within `slop` positions of each other, in any order ("rapat koordinasi"~5)."""

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        """Match like a phrase, except that the words may come in any order."""
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        reader = searcher.reader()
        terms = []
        for word in self.words:
            word = field.to_bytes(word)
            if (fieldname, word) not in reader:
                return matching.NullMatcher()
            terms.append(Term(fieldname, word))
        m = SpanNear2(terms, slop=self.slop, ordered=False, mindist=1).matcher(searcher, context)
        return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def build_parser(schema: Schema, group: type = qparser.AndGroup) -> qparser.QueryParser:
    """Return a parser over the default fields with AND (or `group`) as the default operator."""
    parser = qparser.MultifieldParser(
        list(QUERY_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=group
    )
    # No field:value syntax (users must not reach internal fields such as readers), no
    # ranges, no "*:*", and no single-quoted phrases (apostrophes occur in names: Jum'at).
    for plugin in (plugins.FieldsPlugin, plugins.RangePlugin, plugins.EveryPlugin,
                   plugins.SingleQuotePlugin, plugins.WildcardPlugin):
        parser.remove_plugin_class(plugin)
    # Only trailing "*": a "?" at the end of a typed question must stay an ordinary character.
    parser.add_plugin(plugins.PrefixPlugin())
    parser.replace_plugin(plugins.OperatorsPlugin(
        And=r"(?<=\s)(?:AND|DAN)(?=\s)",
        Or=r"(?<=\s)(?:OR|ATAU)(?=\s)",
        Not=r"(^|(?<=(\s|[()])))(?:NOT|BUKAN)(?=\s)",
        AndNot=None,
        AndMaybe=None,
        Require=None,
    ))
    return parser


def is_browse(q: str) -> bool:
    """Tell whether the query asks for no text match at all (list everything readable)."""
    stripped = q.strip()
    return not stripped or stripped == "*"


def normalize_query_text(q: str) -> str:
    """Return the query with office compounds joined, as the analyzer joins them in documents."""
    return _COMPOUND_WORDS.sub(lambda m: "".join(m.group(0).split()).lower(), q.strip())


def parse_query(parser: qparser.QueryParser, q: str) -> Query:
    """Check and parse a non-empty user query; raise QuerySyntaxError with a readable message."""
    check_syntax(q)
    try:
        parsed = parser.parse(normalize_query_text(q))
    except Exception as exc:  # Whoosh raises assorted internal errors on odd input
        raise QuerySyntaxError("The query could not be understood.", "unparseable") from exc
    if parsed is None:
        return NullQuery
    return _rewrite(_expand_abbreviations(parsed, parser))


def can_relax(q: str) -> bool:
    """Tell whether a query may be answered, after its full matches, by letters with some of its words.

    Only plain words qualify: quotes, operators and brackets say exactly what must match.
    """
    if '"' in q:
        return False
    lexemes = [m.group(0) for m in _LEXEMES.finditer(q)]
    if any(x in ("(", ")") or x in _BINARY_OPERATORS or x in _NOT_OPERATORS for x in lexemes):
        return False
    return len(q.split()) > 1


def parse_relaxed(parser: qparser.QueryParser, q: str) -> Query:
    """Parse a query of plain words (see can_relax) with a parser whose default operator is OR."""
    return parse_query(parser, q)


def _expand_abbreviations(q: Query, parser: qparser.QueryParser) -> Query:
    """Let a shorthand word also match what it stands for (see ABBREVIATIONS)."""
    leaves = list(q.leaves()) if isinstance(q, Or) else []
    words = {leaf.text for leaf in leaves if isinstance(leaf, Term)}
    if leaves and len(words) == 1 and len(leaves) == len([x for x in leaves if isinstance(x, Term)]):
        expansion = ABBREVIATIONS.get(words.pop())
        if expansion is not None:
            spelled_out = parser.parse('"%s"' % expansion)
            for leaf in spelled_out.leaves():
                # Not a span of the user's text: "did you mean" must not rewrite there.
                leaf.startchar = leaf.endchar = None
            return Or([q, spelled_out])
    if q.is_leaf():
        return q
    return q.apply(lambda child: _expand_abbreviations(child, parser))


def _rewrite(q: Query) -> Query:
    """Answer phrases from the pair fields and widen title prefixes (see below)."""
    if isinstance(q, Phrase) and q.slop > 1:
        if len(q.words) < 2:
            return Term(q.fieldname, q.words[0], boost=q.boost) if q.words else NullQuery
        return NearPhrase(q.fieldname, q.words, slop=min(q.slop, MAX_SLOP), boost=q.boost,
                          char_ranges=q.char_ranges)
    if isinstance(q, Phrase) and q.fieldname in PAIR_FIELDS and q.slop == 1 and len(q.words) > 1:
        pairs = [Term(PAIR_FIELDS[q.fieldname], pair_term(a, b), boost=q.boost)
                 for a, b in zip(q.words, q.words[1:]) if is_pair(a, b)]
        if len(q.words) == 2 and pairs:
            return pairs[0]  # exactly the phrase
        # Otherwise positions are checked only in the documents holding every indexed pair.
        return And([*pairs, q]) if pairs else q
    if q.is_leaf():
        return _widen_prefixes(q)
    rewritten = q.apply(_rewrite)
    if isinstance(rewritten, Or):
        # Whoosh preloads whole posting lists for an OR on indexes up to 5,000 documents;
        # the union matcher instead supports block-max skipping and skip_to.
        rewritten.matcher_type = Or.DEFAULT_MATCHER
    return rewritten


def _widen_prefixes(q: Query) -> Query:
    # Prose is indexed by root, so "penug*" cannot reach "penugasan" there; title words are
    # also indexed as written (title_ac), where it can.
    if isinstance(q, Prefix) and q.fieldname == "title":
        widened = Or([q, Prefix("title_ac", q.text, boost=q.boost)])
        widened.matcher_type = Or.DEFAULT_MATCHER
        return widened
    return q


def check_syntax(q: str) -> None:
    """Raise QuerySyntaxError for unbalanced quotes or brackets and operators without operands."""
    if len(q) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"The query is longer than {MAX_QUERY_CHARS} characters.", "too_long")
    if q.count('"') % 2:
        raise QuerySyntaxError("A quotation mark is not closed.", "unbalanced_quote")
    kinds: list[str] = []
    depth = 0
    for match in _LEXEMES.finditer(q):
        lexeme = match.group(0)
        if lexeme == "(":
            depth += 1
            kinds.append("(")
        elif lexeme == ")":
            depth -= 1
            if depth < 0:
                raise QuerySyntaxError("A closing bracket has no opening bracket.", "unbalanced_bracket")
            if kinds and kinds[-1] == "(":
                raise QuerySyntaxError("Brackets must contain search words.", "empty_group")
            kinds.append(")")
        elif lexeme in _BINARY_OPERATORS:
            kinds.append("op")
        elif lexeme in _NOT_OPERATORS:
            kinds.append("not")
        else:
            if lexeme.endswith("*") and len(lexeme.strip('"').rstrip("*")) < MIN_PREFIX_CHARS:
                raise QuerySyntaxError(
                    f"Put at least {MIN_PREFIX_CHARS} letters before *.", "short_prefix"
                )
            kinds.append("word")
    if depth:
        raise QuerySyntaxError("A bracket is not closed.", "unbalanced_bracket")
    if kinds.count("word") > MAX_QUERY_WORDS:
        raise QuerySyntaxError(f"Use at most {MAX_QUERY_WORDS} search words.", "too_many_words")
    _check_operands(kinds)


def _check_operands(kinds: list[str]) -> None:
    for i, kind in enumerate(kinds):
        before = kinds[i - 1] if i else None
        after = kinds[i + 1] if i + 1 < len(kinds) else None
        if kind == "op" and before not in ("word", ")"):
            raise QuerySyntaxError("AND/OR needs a search word on its left.", "missing_operand")
        if kind in ("op", "not") and after not in ("word", "(", "not"):
            raise QuerySyntaxError("AND/OR/NOT needs a search word on its right.", "missing_operand")


# Fields of the title: a match there is boosted (see schema.FIELD_BOOSTS), which lets both engines rank
# a common word's matches by scoring only those with a title hit when that provably settles the top.
TITLE_FIELDS = frozenset({"title", "title_ac", "title_pairs"})


def without_fields(q: Query, fields: frozenset[str]) -> Query:
    """Return q with its leaves in `fields` removed (as if those terms matched nothing)."""
    if q.is_leaf():
        return NullQuery if q.field() in fields else q
    if isinstance(q, Not):
        return q
    return q.apply(lambda child: without_fields(child, fields)).normalize()


def positive_leaves(q: Query) -> list[Query]:
    """Return the leaf queries that can contribute to a match (those not under a NOT)."""
    if isinstance(q, Not):
        return []
    if q.is_leaf():
        return [q]
    leaves: list[Query] = []
    for child in q.children():
        leaves.extend(positive_leaves(child))
    return leaves


def proximity_words(q: Query) -> list[str]:
    """Return the distinct prose terms of the query's words and phrases in the body, in query order."""
    words: list[str] = []
    for leaf in positive_leaves(q):
        if leaf.field() != "body":
            continue
        if isinstance(leaf, Phrase):
            texts = list(leaf.words)
        elif isinstance(leaf, Term):
            texts = [leaf.text]
        else:
            continue
        for text in texts:
            if isinstance(text, str) and text not in words:
                words.append(text)
    return words


def corrected_query(parser: qparser.QueryParser, q: str, parsed: Query, *,
                    known: Callable[[Sequence[tuple[str, str]]], bool], written: Callable[[str], bool],
                    closest: Callable[[str, str | None], str | None]) -> tuple[str, Query] | None:
    """Return the query with its unknown words replaced by the nearest known ones, and its parse.

    Both engines' "did you mean": a word of the query is replaced when none of its (field, term)
    pairs is `known` among the documents the reader may read, it is one word without digits, that
    word as typed is not `written` so in any of them, and `closest(typed, previous word)` finds a
    word. None when nothing was replaced or the corrected text does not parse; the engine decides
    whether the corrected query finds more.
    """
    spans: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for leaf in positive_leaves(parsed):
        if isinstance(leaf, Term) and getattr(leaf, "startchar", None) is not None:
            spans[(leaf.startchar, leaf.endchar)].append((leaf.fieldname, leaf.text))
    text = normalize_query_text(q)
    replacements: list[tuple[int, int, str]] = []
    for (startchar, endchar), field_terms in spans.items():
        if known(field_terms):
            continue
        # The word as typed (the parser's span may include punctuation around it).
        words = list(iter_terms(text[startchar:endchar], stem=False))
        if len(words) != 1 or any(ch.isdigit() for ch in words[0][0]):
            continue
        typed, word_start, word_end = words[0]
        if written(typed):
            continue  # written so in some letter (e.g. "tanda" of "tanda tangan")
        before = list(iter_terms(text[:startchar], stem=False))
        correction = closest(typed, before[-1][0] if before else None)
        if correction is not None:
            replacements.append((startchar + word_start, startchar + word_end, correction))
    if not replacements:
        return None
    corrected = text
    for startchar, endchar, word in sorted(replacements, reverse=True):
        corrected = corrected[:startchar] + word + corrected[endchar:]
    try:
        return corrected, parse_query(parser, corrected)
    except SearchIndexError:
        return None
