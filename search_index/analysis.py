"""Text analysis for Bahasa Indonesia office documents, shared by indexing and querying.

Whoosh pickles every analyzer into the index's table of contents on each commit, so every
piece here keeps its pickled state tiny: word lists and the Sastrawi dictionary live at module
level and are found again by reference when the schema is loaded.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory
from whoosh.analysis import Token, Tokenizer

logger = logging.getLogger(__name__)

# A token is either a code (parts joined by . / - with a digit somewhere: letter numbers,
# classification codes, dates, amounts, NIP) kept whole, or a word, kept whole across hyphens
# because Sastrawi resolves reduplication ("surat-surat") itself. Letter-only words are split at
# dots and slashes so that "dan/atau" or "tugas.Kepala" (OCR without spaces) yield real words.
# `tokens` finds them in time linear in the text: a regular expression of that alternation
# backtracks quadratically on a long chain without a digit ("a.a.a.a...": 7.5 s for 16 KB).

# Root words Sastrawi's dictionary lacks or must keep whole. Stemming checks the dictionary
# first, so a listed word is never cut further and its affixed forms reduce to it.
OFFICE_ROOT_WORDS: frozenset[str] = frozenset({
    "tandatangan",   # ditandatangani, penandatanganan
    "beritahu",      # pemberitahuan, diberitahukan
    "tindaklanjut",  # ditindaklanjuti, menindaklanjuti
    "disposisi",
    "naskah",
    "dinas",
    "paraf",
    "arsip",
    # Without these the stemmer merges distinct office terms: pemerintah -> perintah
    # ("Pemerintah Kota" would match every "surat perintah"), undangan -> undang (every letter
    # citing an Undang-Undang), pengumuman -> umum (Bagian Umum), pengadaan -> ada.
    "pemerintah",
    "undangan",
    "pengumuman",
    "pengadaan",
    "perjalanan",    # not "jalan": "perjalanan dinas" must not match every letterhead address
    "walikota",
    # An officer is not an assignment: "menugaskan" (assign) must neither find nor mark "petugas".
    "petugas",
})

# Two-word spellings of the compounds above, merged before stemming so that "tanda tangan"
# and "ditandatangani" meet on one term.
COMPOUNDS: dict[tuple[str, str], str] = {
    ("tanda", "tangan"): "tandatangan",
    ("tindak", "lanjut"): "tindaklanjut",
    ("beri", "tahu"): "beritahu",
    ("wali", "kota"): "walikota",  # the official spelling is two words, common usage one
}
_COMPOUND_FIRSTS = frozenset(first for first, _ in COMPOUNDS)

# Words in Sastrawi's general stop list that carry meaning in office letters: urgency and
# security classes, unit names, incoming/outgoing mail, disposisi instructions, contract
# parties, "kerja sama", "masa berlaku", "luar daerah", "usia dini", "tata cara".
OFFICE_WORDS_KEPT: frozenset[str] = frozenset({
    "amat", "biasa", "segera", "penting", "khusus",
    "bagian", "ibu",
    "masuk", "keluar", "luar",
    "diketahui", "jawab", "jawaban", "lanjut", "tindak",
    "pihak", "pertama", "kedua",
    "kerja", "bekerja", "sama", "bersama", "masa", "hari", "bulan", "tempat",
    "kasus", "masalah", "persoalan", "keadaan",
    "awal", "akhir", "baru", "besar", "kecil", "dini", "cara", "mata", "orang", "diri",
    "satu",  # "Satu Data Indonesia", "Pelayanan Terpadu Satu Pintu"
})

# Not in Sastrawi's list, but typed before numbers ("no 24/DISDIK/2025") where letters say "Nomor".
EXTRA_STOP_WORDS: frozenset[str] = frozenset({"no"})

STOP_WORDS: frozenset[str] = (
    frozenset(StopWordRemoverFactory().get_stop_words()) - OFFICE_WORDS_KEPT | EXTRA_STOP_WORDS
)

# Roots (analyzer output) frequent in a city government's letters; two-word phrases made
# only of these are answered from the pair fields. A root missing here still works in a
# phrase, only more slowly if it is very frequent in some city's letters.
COMMON_TERMS: frozenset[str] = frozenset("""
surat dinas kepala kota kabupaten provinsi pemerintah daerah nomor tahun tanggal bulan hari
bidang bagi seksi subbagian giat rapat koordinasi laksana lapor pegawai tugas sekretariat
sekretaris camat lurah walikota wali wakil bupati gubernur undangan putus atur edar nota
naskah perintah instruksi informasi komunikasi sistem data layan publik masyarakat program
rencana kerja sama anggar uang belanja dapat bangun sehat didik sosial bantu usul hormat
terima kasih perhati tindaklanjut disposisi arsip paraf tandatangan beritahu jabat pimpin
staf tim panitia acara tempat waktu ruang aula gedung kantor balai jalan nasional negara
republik indonesia menteri badan lembaga organisasi unit perangkat aparatur sipil pangkat
golong mutasi cuti gaji tunjang biaya dana barang jasa pengadaan kontrak janji kuasa berita
terang antar telaah notula verifikasi evaluasi monitoring awas periksa hasil kelola
selenggara kembang tingkat umum elektronik dokumen berkas lampir perihal tembus yth ibu
saudara hadir rangka hubung dasar tentu undang pasal ayat huruf usaha izin pajak retribusi
aset tanah lingkung hidup bersih taman pariwisata budaya duduk catat sakit rumah puskesmas
sekolah guru murid siswa
""".split())

MIN_WORD_CHARS = 2
# A maximal chain of word runs joined by single separators: a code, or words to split further.
_CHAIN_RE = re.compile(r"\w+(?:[./\-]\w+)*")
_WORD_RE = re.compile(r"\w+(?:-\w+)*")
_DIGIT_RE = re.compile(r"\d")
_STEMMABLE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_stemmer_lock = threading.Lock()
_memo = threading.local()
_stemmer: Stemmer | None = None


def _sastrawi() -> Stemmer:
    """Return the process-wide Sastrawi stemmer, building it with the office words on first use."""
    global _stemmer
    if _stemmer is None:
        with _stemmer_lock:
            if _stemmer is None:
                words = StemmerFactory().get_words()
                dictionary = ArrayDictionary(words)
                dictionary.add_words(OFFICE_ROOT_WORDS)
                _stemmer = Stemmer(dictionary)
                logger.debug("Sastrawi stemmer built with %d root words", dictionary.count())
    return _stemmer


def stem_word(word: str) -> str:
    """Return the Indonesian root of a lower-cased word; leave numbers and codes untouched."""
    return _cached_stem(word)


@functools.lru_cache(maxsize=200_000)
def _cached_stem(word: str) -> str:
    # Cached per process; the analyzer calls this directly to skip a call layer per token.
    if not _STEMMABLE.fullmatch(word):
        return word
    return _sastrawi().stem_word(word)


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield (token, startchar, endchar) for the words and codes of text, as written.

    A chain of word runs joined by ".", "/" or "-" is one code if it has a digit anywhere
    ("000.8.3.3/15/DISKOMINFO/2026", "NIP.198001012005011001"); without one it is split into
    words, kept whole across hyphens ("surat-surat", "dan", "atau" from "dan/atau").
    """
    for chain in _CHAIN_RE.finditer(text):
        raw = chain.group()
        if ("." not in raw and "/" not in raw and "-" not in raw) or _DIGIT_RE.search(raw):
            yield raw, chain.start(), chain.end()
            continue
        offset = chain.start()
        for word in _WORD_RE.finditer(raw):
            yield word.group(), offset + word.start(), offset + word.end()


def fold(text: str) -> str:
    """Return text lower-cased with accents removed ("José" -> "jose")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def iter_terms(text: str, *, stem: bool = True,
               only: Callable[[str], object] | None = None) -> Iterator[tuple[str, int, int]]:
    """Yield (term, startchar, endchar) for each indexable word of text.

    This is the whole analysis chain in one pass (indexing, querying and highlighting all use
    it): split into words and codes, fold, join office compounds, drop stop words, stem.
    `only`, if given, sees each folded word first and may skip it (a highlighter's shortcut).
    """
    # Written as one flat loop: it runs for every word of every document indexed.
    stop_words = STOP_WORDS
    firsts = _COMPOUND_FIRSTS if stem else frozenset()
    pending: tuple[str, int, int] | None = None
    for raw, start, end in tokens(text):
        word = raw.lower() if raw.isascii() else fold(raw)
        if pending is not None:
            merged = COMPOUNDS.get((pending[0], word))
            if merged is not None:
                yield merged, pending[1], end
                pending = None
                continue
            kept = _term(pending[0], stem, only)
            if kept is not None:
                yield kept, pending[1], pending[2]
            pending = None
        if word in firsts:
            pending = (word, start, end)
            continue
        if len(word) < MIN_WORD_CHARS or word in stop_words or (only is not None and not only(word)):
            continue
        yield (_cached_stem(word) if stem else word), start, end
    if pending is not None:
        kept = _term(pending[0], stem, only)
        if kept is not None:
            yield kept, pending[1], pending[2]


def _analyzed(value: str) -> list[tuple[str, int, int]]:
    """Return iter_terms(value) as a list, reusing the last result for the same string object."""
    # Whoosh analyzes each field on its own; body and body_pairs get the very same string, so
    # the second analysis (the costly part of indexing) is served from this one-entry memo.
    last = getattr(_memo, "last", None)
    if last is not None and last[0] is value:
        return last[1]
    terms = list(iter_terms(value))
    _memo.last = (value, terms)
    return terms


def _term(word: str, stem: bool, only: Callable[[str], object] | None) -> str | None:
    if len(word) < MIN_WORD_CHARS or word in STOP_WORDS or (only is not None and not only(word)):
        return None
    return _cached_stem(word) if stem else word


class OfficeTokenizer(Tokenizer):
    """Whoosh adapter for iter_terms(); `stem=False` keeps words as written (names, autocomplete)."""

    def __init__(self, stem: bool = True) -> None:
        # The only pickled state: word lists and the stemmer are found by module reference.
        self.stem = stem

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OfficeTokenizer) and other.stem == self.stem

    def __hash__(self) -> int:
        return hash((OfficeTokenizer, self.stem))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        """Yield one reused Token per term, as Whoosh tokenizers do."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = value
            t.text = fold(value)
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        terms = _analyzed(value) if self.stem else iter_terms(value, stem=False)
        runs = self.stem and mode == "index"
        for pos, (term, start, end) in enumerate(terms):
            # A number cited in the text is also found by part of it ("15/diskominfo", "800.1.2",
            # "bappeda"): the parts share the position of the whole code, so phrases see one word.
            for text in ([term, *number_parts(term)] if runs and "/" in term else (term,)):
                t.text = text
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[start:end]
                if positions:
                    t.pos = start_pos + pos
                if chars:
                    t.startchar, t.endchar = start_char + start, start_char + end
                yield t


class PairTokenizer(Tokenizer):
    """Yield two consecutive common terms as one term ("surat dinas"), for fast phrases.

    A phrase of common words otherwise costs a positions check in nearly every document; as
    a pair it is one posting list like any single word. A phrase with a rarer word is cheap
    without help, so only pairs of COMMON_TERMS are indexed, which keeps the field small.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PairTokenizer)

    def __hash__(self) -> int:
        return hash(PairTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        """Yield "first second" for every adjacent pair of terms."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        previous: tuple[str, int, int] | None = None
        for pos, (term, start, end) in enumerate(_analyzed(value)):
            if previous is not None and is_pair(previous[0], term):
                t.text = pair_term(previous[0], term)
                if keeporiginal:
                    t.original = value[previous[1]:end]
                if positions:
                    t.pos = start_pos + pos - 1
                if chars:
                    t.startchar, t.endchar = start_char + previous[1], start_char + end
                yield t
            previous = (term, start, end)


def is_pair(first: str, second: str) -> bool:
    """Tell whether two adjacent terms are indexed together in the pair fields."""
    return first in COMMON_TERMS and second in COMMON_TERMS


def pair_term(first: str, second: str) -> str:
    """Return the pair-field term for two adjacent prose terms."""
    return f"{first} {second}"


class SpellTokenizer(Tokenizer):
    """Yield each distinct word of a text once, as written (folded, not stemmed), for spelling.

    A typo in an affixed word ("keuanggan", "pemusnahn") is an edit or two away from the word
    as written ("keuangan") but far from its root ("uang"), so "did you mean" looks here.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SpellTokenizer)

    def __hash__(self) -> int:
        return hash(SpellTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        """Yield every distinct word without digits."""
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        seen: set[str] = set()
        for word, start, end in iter_terms(value, stem=False):
            if word in seen or any(ch.isdigit() for ch in word):
                continue
            seen.add(word)
            t.text = word
            if positions:
                t.pos = start_pos + len(seen) - 1
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


def slash_runs(code: str) -> list[str]:
    """Return the runs of two or more consecutive "/"-parts of a code, except the whole code.

    "000.8.3.3/15/diskominfo/2026" gives "000.8.3.3/15", "15/diskominfo", "diskominfo/2026",
    "000.8.3.3/15/diskominfo" and "15/diskominfo/2026": the ways staff type part of a number.
    """
    parts = code.split("/")
    runs = []
    for length in range(2, len(parts)):
        for start in range(len(parts) - length + 1):
            runs.append("/".join(parts[start:start + length]))
    return runs


def number_parts(code: str) -> list[str]:
    """Return what a person types alone to find a number cited in a letter's text, except the whole code.

    "800.1.2/7/bappeda/2026" gives its slash runs ("7/bappeda", ...), the classification code
    "800.1.2" and the unit code "bappeda" (stemmed as a query word is). The leading part of a
    date ("12/03/2026") is no classification code: a lone part is taken only with a dot or three
    characters. Sequence and year alone ("7", "2026") would find every letter.
    """
    parts = code.split("/")
    found = dict.fromkeys(slash_runs(code))
    head = parts[0]
    if len(parts) > 2 and head and ("." in head or len(head) >= 3) and _DIGIT_RE.search(head):
        found.setdefault(head)
    for part in parts[1:]:
        if part and not _DIGIT_RE.search(part) and len(part) >= MIN_WORD_CHARS and part not in STOP_WORDS:
            found.setdefault(_cached_stem(part))
    found.pop(code, None)
    return list(found)


class NumberTokenizer(Tokenizer):
    """Yield a letter number whole (folded, whitespace collapsed) and, when indexing, its parts."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NumberTokenizer)

    def __hash__(self) -> int:
        return hash(NumberTokenizer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        """Yield the number, then (indexing only) its classification code and its slash runs."""
        text = fold(" ".join(value.split()))
        # Every letter number has a digit; without one this is an ordinary query word, which
        # must not become a number term that no document can match.
        if not any(ch.isdigit() for ch in text):
            return
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar, t.endchar = start_char, start_char + len(value)
        variants = [text]
        if mode == "index" and "/" in text:
            # The leading part alone is the classification code ("000.8.3.3").
            variants += [text.split("/", 1)[0], *slash_runs(text)]
        for variant in dict.fromkeys(variants):
            t.text = variant
            if keeporiginal:
                t.original = variant
            yield t


def text_analyzer() -> Tokenizer:
    """Return the analyzer for Indonesian prose (title, body): fold, stop words, Sastrawi stems."""
    return OfficeTokenizer(stem=True)


def name_analyzer() -> Tokenizer:
    """Return the analyzer for names and autocomplete: words folded and stopped, not stemmed."""
    # Stop words are dropped here too: a query word that one default field keeps and the others
    # drop would become a required term that prose never matches.
    return OfficeTokenizer(stem=False)


def pair_analyzer() -> Tokenizer:
    """Return the analyzer for the adjacent-pair fields that answer two-word phrases."""
    return PairTokenizer()


def spell_analyzer() -> Tokenizer:
    """Return the analyzer for the spelling field: distinct words as written."""
    return SpellTokenizer()


def number_analyzer() -> Tokenizer:
    """Return the analyzer for letter numbers: whole value, plus its leading parts when indexing."""
    return NumberTokenizer()


def analyze(text: str) -> list[str]:
    """Return the terms the prose analyzer makes of text (a convenience for tests and tools)."""
    return [term for term, _start, _end in iter_terms(text)]
