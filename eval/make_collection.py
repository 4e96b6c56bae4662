"""Generate the evaluation collection (eval/collection.jsonl) and its judged queries (eval/queries.jsonl).

Run from the repository root: ``.venv/bin/python -m eval.make_collection``. The seed is fixed, so
the output is the same on every run; the generated files are committed so that results can be
reproduced without running this.

Letters are rendered from the cases in eval/cases.py and the routine templates in eval/routine.py
through one frame per document type (nota dinas, surat undangan, keputusan ...). Numbers are
allocated afterwards from per-unit, per-type, per-year registers in date order, the way Docflow
numbers letters when they are signed; then bodies are rendered, so a letter can cite the number of
an earlier letter of its case. Judgements are computed from that structure (see eval/README.md).
"""
from __future__ import annotations

import argparse
import json
import logging
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from eval.cases import CASES, Case
from eval.query_specs import QUERY_SPECS, QuerySpec
from eval.routine import ROUTINES, Routine
from eval.vocabulary import (
    CITY, CITY_FULL, CLASSIFICATION, DEGREES, DOMAIN, FIRST_NAMES, GENERAL_REGULATIONS, LAST_NAMES,
    MAYOR_NAME, MAYOR_TITLE, MONTHS, RANKS_MIDDLE, RANKS_SENIOR, RANKS_STAFF, REGULATIONS,
    ROUTINE_ACTIVITIES, SENIOR_DEGREES, TOPIC_SENTENCES, UNITS, WEEKDAYS, Unit,
)

logger = logging.getLogger(__name__)

SEED = 20260301
EVAL_DIR = Path(__file__).resolve().parent
COLLECTION_FILE = EVAL_DIR / "collection.jsonl"
QUERIES_FILE = EVAL_DIR / "queries.jsonl"
MIN_WORDS = 150
MAX_WORDS = 600
MAX_JUDGED = 12

DOC_TYPE_LABELS = {
    "nota_dinas": "Nota Dinas", "surat_dinas": "Surat", "surat_undangan": "Surat Undangan",
    "surat_tugas": "Surat Tugas", "surat_edaran": "Surat Edaran", "keputusan": "Keputusan Wali Kota Tirtamulya",
    "berita_acara": "Berita Acara", "laporan": "Laporan", "notula": "Notula", "telaahan_staf": "Telaahan Staf",
    "pengumuman": "Pengumuman", "memo": "Memo", "surat_keterangan": "Surat Keterangan",
    "surat_kuasa": "Surat Kuasa", "surat_pengantar": "Surat Pengantar",
}
# Units whose head post is vacant while the open selection (case "seleksi-jpt") runs; an acting
# head (Plt.) signs for them in that period.
VACANT_HEADS = ("DLH", "DISHUB", "BAPPEDA")
VACANCY = (date(2025, 12, 15), date(2026, 5, 31))
# From this date letters are signed electronically and carry the certified-signature footer.
ELECTRONIC_FROM = date(2025, 4, 1)
VENDORS = ("CV Mitra Usaha Sejahtera", "PT Sinar Teknologi Nusantara", "CV Karya Mandiri Abadi",
           "PT Cahaya Medika Utama")
FOOTER = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang "
          "diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), Badan Siber dan Sandi Negara.")


class CollectionError(Exception):
    """The case, routine or query definitions are inconsistent."""


# -- people ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A civil servant as a signature block shows them."""

    name: str
    nip: str
    rank: str


@dataclass
class Roster:
    """The people of one unit: head, secretary, heads of division and staff."""

    head: Person
    secretary: Person
    new_head: Person
    division_heads: list[Person]
    staff: list[Person]


def _make_person(rng: random.Random, level: str, used: set[str]) -> Person:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in used:
            used.add(name)
            break
    born = date(rng.randint(1967, 1979) if level != "staff" else rng.randint(1980, 1996),
                rng.randint(1, 12), rng.randint(1, 28))
    tmt_year = born.year + rng.randint(23, 29)
    nip = f"{born:%Y%m%d}{tmt_year}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 12):03d}"
    if level == "senior":
        degree, rank = rng.choice(SENIOR_DEGREES), rng.choice(RANKS_SENIOR)
    elif level == "middle":
        degree, rank = rng.choice(SENIOR_DEGREES), rng.choice(RANKS_MIDDLE)
    else:
        degree, rank = rng.choice(DEGREES), rng.choice(RANKS_STAFF)
    full = f"dr. {name}" if degree == "dr." else f"{name}, {degree}"
    return Person(full, nip, rank)


def make_rosters(rng: random.Random) -> dict[str, Roster]:
    """Return the people of every unit, always the same for the same random state."""
    used: set[str] = set()
    rosters: dict[str, Roster] = {}
    for code in UNITS:
        rosters[code] = Roster(
            head=_make_person(rng, "senior", used),
            secretary=_make_person(rng, "middle", used),
            new_head=_make_person(rng, "senior", used),
            division_heads=[_make_person(rng, "middle", used) for _ in range(3)],
            staff=[_make_person(rng, "staff", used) for _ in range(6)],
        )
    return rosters


# -- text helpers ------------------------------------------------------------------------------

_UNITS_0_19 = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
               "sepuluh", "sebelas", "dua belas", "tiga belas", "empat belas", "lima belas", "enam belas",
               "tujuh belas", "delapan belas", "sembilan belas")
_PROPER = frozenset({
    "Tirtamulya", "Utara", "Indonesia", "Republik", "Idul", "Fitri", "Hijriah", "Cikapundung", "Sukajadi",
    "Cibeureum", "Merdeka", "Diponegoro", "Kebonjati", "Sindangrasa", "Alun-Alun", "Induk", "SRIKANDI",
    "Adipura", "Kemerdekaan", "Ramadan", "Merah", "Putih", "Jakarta", "Surabaya", "Yogyakarta", "Raya",
})
_PROPER_BEFORE = frozenset({"Kota", "Kecamatan", "Kelurahan", "Jalan", "Puskesmas", "Pasar", "Jembatan",
                            "Sungai", "Hari", "Raya", "Wali"})


def terbilang(n: int) -> str:
    """Return n (0 <= n < 10000) in Indonesian words, as berita acara write dates."""
    if n < 20:
        return _UNITS_0_19[n]
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_UNITS_0_19[tens]} puluh" + (f" {_UNITS_0_19[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_UNITS_0_19[hundreds]} ratus"
        return head + (f" {terbilang(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = "seribu" if thousands == 1 else f"{_UNITS_0_19[thousands]} ribu"
    return head + (f" {terbilang(rest)}" if rest else "")


def long_date(day: date) -> str:
    """Return a date as letters write it: 12 Maret 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def inline(title: str) -> str:
    """Return a title lower-cased for use inside a sentence, keeping names and acronyms."""
    words = title.split()
    out: list[str] = []
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        keep = (
            word in _PROPER
            or (word in _PROPER_BEFORE and following in _PROPER)  # "Kelurahan Sukajadi", "Kota Tirtamulya"
            or not word[:1].isupper()
            or (sum(ch.isupper() for ch in word) > 1 and "/" not in word)  # ASN, SRIKANDI, BerAKHLAK
            or any(ch.isdigit() for ch in word)
        )
        out.append(word if keep else word.lower())
    return " ".join(out)


def word_count(text: str) -> int:
    """Return the number of whitespace-separated words of text."""
    return len(text.split())


def numbered(items: Iterable[str], style: str = "1") -> str:
    """Return items as a numbered list (1. 2. ... or a. b. ...)."""
    lines = []
    for i, item in enumerate(items):
        mark = f"{i + 1}." if style == "1" else f"{'abcdefghijklmnopqrstuvwxyz'[i]}."
        lines.append(f"{mark} {item}")
    return "\n".join(lines)


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


# -- documents ---------------------------------------------------------------------------------


@dataclass
class Doc:
    """One generated letter: its metadata, how it was made, and (after rendering) its text."""

    doc_type: str
    unit: str
    topic: str
    title: str
    date: date
    origin: str  # "case", "report" (quarterly report) or "routine"
    case: Case | None = None
    case_index: int = 0
    routine: Routine | None = None
    slots: dict[str, str] = field(default_factory=dict)
    mentions: tuple[str, ...] = ()
    event_date: date | None = None
    id: int = 0
    number: str = ""
    classification: str = ""
    author: str = ""
    signer: str = ""
    security_class: str = "biasa"
    cites: list[Doc] = field(default_factory=list)
    body: str = ""

    @property
    def subject(self) -> str | None:
        """Return the routine template this letter was made from, if any."""
        return self.routine.subject if self.routine else None

    def to_json(self) -> dict[str, Any]:
        """Return the collection record for this letter."""
        return {
            "id": self.id,
            "doc_type": self.doc_type,
            "unit": self.unit,
            "classification": self.classification,
            "number": self.number,
            "title": self.title,
            "date": self.date.isoformat(),
            "author": self.author,
            "signer": self.signer,
            "security_class": self.security_class,
            "topic": self.topic,
            "origin": self.origin,
            "case": self.case.key if self.case else None,
            "routine": self.subject,
            "mentions": list(self.mentions),
            "cites": [d.id for d in self.cites],
            "source": "generated",
            "body": self.body,
        }


def _case_docs(case: Case, rng: random.Random) -> list[Doc]:
    start = _weekday_on_or_after(date.fromisoformat(case.start))
    docs: list[Doc] = []
    day = start
    for index, (doc_type, perihal) in enumerate(case.docs):
        if index:
            gap = rng.randint(2, 5)
            if doc_type in ("notula", "berita_acara"):
                gap += rng.randint(4, 8)
            elif doc_type == "laporan":
                gap += rng.randint(7, 14)
            day = _weekday_on_or_after(day + timedelta(days=gap))
        docs.append(Doc(doc_type=doc_type, unit=case.unit, topic=case.topic, title=perihal, date=day,
                        origin="case", case=case, case_index=index, security_class=case.security_class))
    event = next((d.date for d in docs if d.doc_type in ("notula", "berita_acara")), None)
    if event is None:
        event = _weekday_on_or_after(start + timedelta(days=rng.randint(8, 12)))
    for doc in docs:
        doc.event_date = event
    return docs


def _routine_docs(routine: Routine, rng: random.Random, rosters: dict[str, Roster]) -> list[Doc]:
    docs = []
    for i, variant in enumerate(routine.variants):
        unit = routine.units[i % len(routine.units)]
        slots = dict(variant)
        if "date" in slots:
            day = date.fromisoformat(slots.pop("date"))
        else:
            day = date(2025, 1, 6) + timedelta(days=rng.randint(0, 530))
        day = _weekday_on_or_after(day)
        slots.setdefault("year", str(day.year))
        slots.setdefault("month", f"{MONTHS[day.month - 1]} {day.year}")
        slots.setdefault("person", rng.choice(rosters[unit].staff).name.split(",")[0])
        slots["unit_name"] = UNITS[unit].name
        title = routine.perihal.format(**slots)
        docs.append(Doc(doc_type=routine.doc_type, unit=unit, topic=routine.topic, title=title, date=day,
                        origin="routine", routine=routine, slots=slots))
    return docs


_ROMAN = ("I", "II", "III", "IV")


def _report_docs(case_docs: Sequence[Doc], rng: random.Random) -> list[Doc]:
    """Return one quarterly activity report per unit and quarter in which the unit worked on a case."""
    by_quarter: dict[tuple[str, int, int], list[Case]] = defaultdict(list)
    for doc in case_docs:
        assert doc.case is not None
        if doc.case_index == 0:
            key = (doc.case.unit, doc.date.year, (doc.date.month - 1) // 3)
            by_quarter[key].append(doc.case)
    reports = []
    for (unit, year, quarter), cases in sorted(by_quarter.items()):
        end = date(year, quarter * 3 + 3, 28)
        day = _weekday_on_or_after(end + timedelta(days=rng.randint(6, 14)))
        title = f"Laporan Kegiatan Triwulan {_ROMAN[quarter]} Tahun {year} {UNITS[unit].name}"
        reports.append(Doc(doc_type="laporan", unit=unit, topic="organisasi", title=title, date=day,
                           origin="report", mentions=tuple(c.key for c in cases),
                           slots={"quarter": _ROMAN[quarter], "year": str(year)}))
    return reports


def allocate_numbers(docs: Sequence[Doc], rng: random.Random) -> None:
    """Give every letter its number from its register, in date order, as signing would."""
    # The collection is a sample of each register, so consecutive letters here skip some numbers.
    counters: dict[tuple[str, str, int], int] = {}
    for doc in sorted(docs, key=lambda d: (d.date, d.id)):
        decree = doc.doc_type == "keputusan"
        key = ("city" if decree else doc.unit, doc.doc_type, doc.date.year)
        if key not in counters:
            counters[key] = rng.randint(3, 40) if decree else rng.randint(1, 60)
        else:
            counters[key] += rng.randint(4, 30) if decree else rng.randint(1, 25)
        seq = counters[key]
        if decree:
            doc.number = f"NOMOR {seq} TAHUN {doc.date.year}"
        else:
            doc.number = f"{doc.classification}/{seq}/{doc.unit}/{doc.date.year}"


# -- rendering ---------------------------------------------------------------------------------


@dataclass
class Context:
    """What every frame needs besides the letter itself."""

    rosters: dict[str, Roster]
    rng: random.Random


def _head(unit: str, day: date, rosters: dict[str, Roster]) -> tuple[str, Person]:
    """Return (position as signed, person) of the head of unit on a day, acting heads included."""
    roster = rosters[unit]
    title = UNITS[unit].head_title
    if unit in VACANT_HEADS:
        if VACANCY[0] <= day <= VACANCY[1]:
            return f"Plt. {title}", roster.secretary
        if day > VACANCY[1]:
            return title, roster.new_head
    return title, roster.head


def _division_title(unit: str) -> str:
    if unit.startswith("KEC-"):
        return "Kepala Seksi"
    return "Kepala Bagian" if unit == "SETDA" else "Kepala Bidang"


def _kop(unit: Unit) -> str:
    site = unit.code.lower().replace("-", "")
    return (f"PEMERINTAH KOTA {CITY.upper()}\n{unit.name.upper()}\n"
            f"{unit.address}, {CITY} {unit.postcode}\n"
            f"Laman {site}.{DOMAIN} Pos-el {site}@{DOMAIN}")


def _signature(position: str, person: Person, *, on_behalf: str = "") -> str:
    lines = [f"{position},", "", person.name, person.rank, f"NIP {person.nip}"]
    if on_behalf:
        lines.insert(0, f"a.n. {on_behalf},")
    return "\n".join(lines)


def _regulations(doc: Doc, ctx: Context, count: int) -> list[str]:
    topical = list(REGULATIONS.get(doc.topic, ()))
    ctx.rng.shuffle(topical)
    chosen = [GENERAL_REGULATIONS[0]] + topical[:count]
    return chosen


def _citation(cited: Doc) -> str:
    if cited.doc_type == "keputusan":
        return f"Keputusan Wali Kota Tirtamulya {cited.number.title()} tentang {cited.title}"
    label = DOC_TYPE_LABELS[cited.doc_type]
    return f"{label} Nomor {cited.number} tanggal {long_date(cited.date)} perihal {cited.title}"


def _facts(doc: Doc, ctx: Context, count: int) -> list[str]:
    if doc.case is not None:
        facts = list(doc.case.facts)
    elif doc.routine is not None:
        # Slot values are titles ("Jaringan Telepon Kantor"); inside a sentence they read lower-cased,
        # except names.
        slots = {k: v if k in ("person", "unit_name", "city") else inline(v) for k, v in doc.slots.items()}
        facts = [f.format(**slots) for f in doc.routine.facts]
        facts = [f[0].upper() + f[1:] for f in facts]
    else:
        facts = []
    if count >= len(facts):
        return facts
    picked = sorted(ctx.rng.sample(range(len(facts)), count))
    return [facts[i] for i in picked]


def _outcomes(doc: Doc) -> list[str]:
    if doc.case is not None:
        return list(doc.case.outcomes)
    if doc.routine is not None:
        return [o.format(**doc.slots) for o in doc.routine.outcomes]
    return []


def _subject(doc: Doc) -> str:
    """Return what the letter is about, for use inside a sentence."""
    if doc.case is not None:
        return inline(doc.case.title)
    title = doc.title
    for prefix in ("Undangan ", "Laporan Hasil ", "Laporan ", "Pengumuman "):
        title = title.removeprefix(prefix)
    return inline(title)


def _place(doc: Doc) -> str:
    if doc.case is not None:
        return doc.case.place
    return doc.slots.get("city", "Balai Kota Tirtamulya")


def _addressees(doc: Doc) -> str:
    partners = doc.case.partners if doc.case is not None else ()
    if partners:
        names = [f"Kepala {UNITS[p].name}" if not UNITS[p].head_title.startswith("Camat")
                 else UNITS[p].head_title for p in partners]
        return "Yth.\n" + numbered(names) + f"\ndi {CITY}"
    return f"Yth. Kepala Perangkat Daerah di Lingkungan Pemerintah {CITY_FULL}\n(daftar terlampir)\ndi {CITY}"


def _tembusan() -> str:
    return f"Tembusan:\n1. {MAYOR_TITLE} (sebagai laporan);\n2. Sekretaris Daerah {CITY_FULL};\n3. Arsip."


def _letter_header(doc: Doc, sifat: str, lampiran: str) -> str:
    return (f"{CITY}, {long_date(doc.date)}\n\nNomor : {doc.number}\nSifat : {sifat}\n"
            f"Lampiran : {lampiran}\nHal : {doc.title}")


def _opening(doc: Doc) -> str:
    if doc.cites:
        return f"Menindaklanjuti {_citation(doc.cites[0])}, bersama ini kami sampaikan hal-hal sebagai berikut:"
    return f"Sehubungan dengan {_subject(doc)}, bersama ini kami sampaikan hal-hal sebagai berikut:"


def _footer(doc: Doc) -> list[str]:
    return [FOOTER] if doc.date >= ELECTRONIC_FROM else []


def render_nota_dinas(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a nota dinas (internal memo up the hierarchy)."""
    roster = ctx.rosters[doc.unit]
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    if doc.id % 2:
        sender_title = f"{_division_title(doc.unit)} {ctx.rng.choice(('Program', 'Teknis', 'Pelayanan'))}"
        sender, recipient = roster.division_heads[doc.id % 3], head_title
    else:
        sender_title, sender, recipient = head_title, head, f"Sekretaris Daerah {CITY_FULL}"
    doc.signer = sender.name
    request = ctx.rng.choice((
        "Berkenaan dengan hal tersebut, kami mohon arahan dan persetujuan Bapak.",
        "Sehubungan dengan hal tersebut, mohon perkenan Bapak untuk memberikan arahan lebih lanjut.",
        "Kami mohon hal tersebut dapat menjadi perhatian dan ditindaklanjuti sesuai ketentuan.",
    ))
    parts = [
        _kop(UNITS[doc.unit]),
        "NOTA DINAS",
        f"Yth. : {recipient}\nDari : {sender_title}\nTanggal : {long_date(doc.date)}\nNomor : {doc.number}\n"
        f"Sifat : Biasa\nLampiran : -\nHal : {doc.title}",
        "Dengan hormat,",
        _opening(doc),
        numbered(_facts(doc, ctx, nfacts) + padding),
        request,
        "Demikian kami sampaikan, atas perhatian Bapak diucapkan terima kasih.",
        f"{sender_title},\n\n{sender.name}\nNIP {sender.nip}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_dinas(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat dinas (letter to other offices)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    parts = [
        _kop(UNITS[doc.unit]),
        _letter_header(doc, "Biasa", "-"),
        _addressees(doc),
        "Dengan hormat,",
        _opening(doc),
        numbered(_facts(doc, ctx, nfacts) + padding),
        "Demikian disampaikan, atas perhatian dan kerja sama Bapak/Ibu diucapkan terima kasih.",
        _signature(head_title, head),
        _tembusan(),
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_undangan(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat undangan (invitation)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    event = doc.event_date or doc.date + timedelta(days=7)
    time_of_day = ctx.rng.choice(("08.30", "09.00", "13.00", "13.30"))
    agenda = doc.case.title if doc.case is not None else doc.title.removeprefix("Undangan ")
    venue = _place(doc) if doc.case is not None else ctx.rng.choice(("Ruang Rapat Kepala Dinas", "Aula Kantor"))
    intro = (f"Menindaklanjuti {_citation(doc.cites[0])}, dan dalam rangka {_subject(doc)}" if doc.cites
             else f"Dalam rangka {_subject(doc)}")
    parts = [
        _kop(UNITS[doc.unit]),
        _letter_header(doc, ctx.rng.choice(("Biasa", "Segera", "Penting")), "-"),
        _addressees(doc),
        "Dengan hormat,",
        f"{intro}, bersama ini kami mengundang Bapak/Ibu untuk hadir pada:",
        f"hari/tanggal : {WEEKDAYS[event.weekday()]}, {long_date(event)}\npukul : {time_of_day} WIB s.d. selesai\n"
        f"tempat : {venue}\nacara : {agenda}",
        "Adapun hal-hal yang perlu kami sampaikan adalah sebagai berikut:",
        numbered(_facts(doc, ctx, nfacts) + padding),
        ctx.rng.choice((
            "Mengingat pentingnya acara tersebut, kami mohon kehadiran Bapak/Ibu tepat waktu dan tidak diwakilkan.",
            "Apabila berhalangan hadir, Bapak/Ibu dapat menugaskan pejabat yang membidangi.",
        )),
        "Demikian undangan ini kami sampaikan, atas perhatian dan kehadirannya diucapkan terima kasih.",
        _signature(head_title, head),
        _tembusan(),
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_tugas(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat tugas (assignment of named staff)."""
    roster = ctx.rosters[doc.unit]
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    dasar = _regulations(doc, ctx, 1)
    if doc.cites:
        dasar.append(_citation(doc.cites[0]))
    dasar.append(f"Dokumen Pelaksanaan Anggaran {UNITS[doc.unit].name} Tahun Anggaran {doc.date.year}")
    people = ctx.rng.sample(roster.staff, 3)
    assigned = "\n".join(
        f"{i + 1}. Nama : {p.name}\n   NIP : {p.nip}\n   Pangkat/Gol. : {p.rank}\n   Jabatan : "
        f"{ctx.rng.choice(('Penata Kelola', 'Analis Kebijakan', 'Pranata Komputer', 'Pengelola Data', 'Arsiparis'))}"
        for i, p in enumerate(people))
    event = doc.event_date or doc.date
    until = _weekday_on_or_after(event + timedelta(days=ctx.rng.randint(2, 9)))
    kind = doc.case.kind if doc.case is not None else "field"
    if kind == "event":
        first = (f"mengikuti dan mendukung pelaksanaan {_subject(doc)} pada tanggal {long_date(event)} "
                 f"bertempat di {_place(doc)};")
    else:
        first = (f"melaksanakan {_subject(doc)} di {_place(doc)} mulai tanggal {long_date(event)} sampai "
                 f"dengan {long_date(until)};")
    tasks = [first,
             "dalam melaksanakan tugas agar memperhatikan hal-hal sebagai berikut: "
             + " ".join(_facts(doc, ctx, nfacts) + padding),
             f"melaporkan hasil pelaksanaan tugas kepada {head_title} paling lambat tujuh hari setelah tugas "
             "selesai;",
             "melaksanakan tugas ini dengan penuh tanggung jawab."]
    parts = [
        _kop(UNITS[doc.unit]),
        f"SURAT TUGAS\nNOMOR {doc.number}",
        "Dasar :\n" + numbered(dasar),
        "MEMBERI TUGAS",
        "Kepada :\n" + assigned,
        "Untuk :\n" + numbered(tasks),
        "Segala biaya yang timbul akibat penugasan ini dibebankan pada anggaran "
        f"{UNITS[doc.unit].name} Tahun Anggaran {doc.date.year}. Demikian surat tugas ini dibuat untuk "
        "dilaksanakan, atas perhatiannya diucapkan terima kasih.",
        f"Ditetapkan di {CITY}\npada tanggal {long_date(doc.date)}\n\n" + _signature(head_title, head),
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_edaran(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat edaran (circular), signed by the mayor or on the mayor's behalf."""
    sekda_title, sekda = _head("SETDA", doc.date, ctx.rosters)
    by_mayor = doc.id % 3 == 0
    kop = f"WALI KOTA {CITY.upper()}" if by_mayor else _kop(UNITS[doc.unit])
    if by_mayor:
        signature, doc.signer = f"{MAYOR_TITLE},\n\n{MAYOR_NAME}", MAYOR_NAME
    elif doc.unit == "SETDA":
        signature, doc.signer = _signature(sekda_title, sekda, on_behalf=MAYOR_TITLE), sekda.name
    else:
        head_title, head = _head(doc.unit, doc.date, ctx.rosters)
        signature, doc.signer = _signature(head_title, head), head.name
    topic_line = TOPIC_SENTENCES[doc.topic][0]
    sections = [
        "1. Latar Belakang\n" + f"{topic_line} Sehubungan dengan {_subject(doc)}, perlu disampaikan ketentuan "
        "pelaksanaannya kepada seluruh perangkat daerah.",
        "2. Maksud dan Tujuan\nSurat Edaran ini dimaksudkan sebagai pedoman dan bertujuan agar pelaksanaan "
        f"{inline(doc.title)} berjalan tertib dan seragam.",
        "3. Ruang Lingkup\nRuang lingkup Surat Edaran ini meliputi perangkat daerah, kecamatan dan kelurahan di "
        f"lingkungan Pemerintah {CITY_FULL}.",
        "4. Dasar\n" + numbered(_regulations(doc, ctx, 2), "a"),
        "5. Isi Edaran\n" + numbered(_facts(doc, ctx, nfacts) + padding, "a"),
        "6. Penutup\nDemikian Surat Edaran ini disampaikan untuk dilaksanakan dengan penuh tanggung jawab, atas "
        "perhatiannya diucapkan terima kasih.",
    ]
    parts = [
        kop,
        f"SURAT EDARAN\nNOMOR {doc.number}\nTENTANG\n{doc.title.upper()}",
        "Yth.\n1. Kepala Perangkat Daerah;\n2. Camat;\n3. Lurah\n"
        f"di Lingkungan Pemerintah {CITY_FULL}",
        *sections,
        f"Ditetapkan di {CITY}\npada tanggal {long_date(doc.date)}\n\n{signature}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_keputusan(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a keputusan (decree of the mayor)."""
    about = doc.title
    head_title, _head_person = _head(doc.unit, doc.date, ctx.rosters)
    doc.signer = MAYOR_NAME
    tasks = _facts(doc, ctx, nfacts) + padding
    parts = [
        f"KEPUTUSAN WALI KOTA {CITY.upper()}\n{doc.number}\nTENTANG\n{about.upper()}",
        f"WALI KOTA {CITY.upper()},",
        "Menimbang :\n" + numbered([
            f"bahwa dalam rangka {_subject(doc)}, perlu menetapkan {inline(about)};",
            f"bahwa untuk menjamin kelancaran dan keberhasilan {_subject(doc)}, perlu adanya pengaturan yang "
            "jelas mengenai susunan, tugas dan tanggung jawab para pihak;",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a dan huruf b, perlu menetapkan "
            f"Keputusan Wali Kota tentang {about};",
        ], "a"),
        "Mengingat :\n" + numbered(_regulations(doc, ctx, 2)),
        "MEMUTUSKAN:",
        f"Menetapkan : KEPUTUSAN WALI KOTA TENTANG {about.upper()}.",
        f"KESATU : Menetapkan {about} dengan susunan dan rincian sebagaimana tercantum dalam Lampiran yang "
        "merupakan bagian tidak terpisahkan dari Keputusan ini.",
        "KEDUA : Dalam pelaksanaannya berlaku ketentuan sebagai berikut:\n" + numbered(tasks, "a"),
        f"KETIGA : Pelaksanaan Keputusan ini dikoordinasikan oleh {head_title} dan dilaporkan kepada Wali Kota "
        "secara berkala.",
        "KEEMPAT : Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada Anggaran "
        f"Pendapatan dan Belanja Daerah {CITY_FULL} Tahun Anggaran {doc.date.year}.",
        "KELIMA : Keputusan ini mulai berlaku pada tanggal ditetapkan.",
        f"Ditetapkan di {CITY}\npada tanggal {long_date(doc.date)}\n\n{MAYOR_TITLE.upper()},\n\n{MAYOR_NAME}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_berita_acara(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a berita acara (official record of an event, handover or inspection)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    partners = doc.case.partners if doc.case is not None else ()
    if partners:
        second_title, second = _head(partners[0], doc.date, ctx.rosters)
    elif doc.topic == "pengadaan":
        second_title = f"Direktur {VENDORS[doc.id % len(VENDORS)]}"
        second = Person(f"{ctx.rng.choice(FIRST_NAMES)} {ctx.rng.choice(LAST_NAMES)}", "-", "")
    else:
        second_title, second = "Sekretaris", ctx.rosters[doc.unit].secretary
    day = doc.date
    basis = (f"Berdasarkan {_citation(doc.cites[0])}, " if doc.cites else "")
    parts = [
        _kop(UNITS[doc.unit]),
        f"BERITA ACARA\n{doc.title.upper()}\nNomor: {doc.number}",
        f"Pada hari ini {WEEKDAYS[day.weekday()]} tanggal {terbilang(day.day)} bulan {MONTHS[day.month - 1]} "
        f"tahun {terbilang(day.year)}, bertempat di {_place(doc)}, kami yang bertanda tangan di bawah ini:",
        f"1. {head.name}, {head_title}, selanjutnya disebut PIHAK PERTAMA;\n"
        f"2. {second.name}, {second_title}, selanjutnya disebut PIHAK KEDUA.",
        f"{basis}PIHAK PERTAMA dan PIHAK KEDUA menyatakan hal-hal sebagai berikut:",
        numbered(_facts(doc, ctx, nfacts) + _outcomes(doc) + padding),
        "Demikian berita acara ini dibuat dengan sebenarnya dalam rangkap dua untuk dipergunakan sebagaimana "
        "mestinya.",
        f"PIHAK KEDUA,\n{second.name}\n\nPIHAK PERTAMA,\n{head.name}\nNIP {head.nip}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_notula(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a notula (minutes of a meeting)."""
    roster = ctx.rosters[doc.unit]
    chair_title, chair = _head(doc.unit, doc.date, ctx.rosters)
    minute_taker = ctx.rng.choice(roster.staff)
    doc.signer = chair.name
    partners = doc.case.partners if doc.case is not None else ()
    attendees = [f"Kepala {UNITS[p].name}" for p in partners] + [
        "Sekretaris dan para Kepala Bidang " + UNITS[doc.unit].name, "Perwakilan perangkat daerah terkait"]
    invitation = (f"Rapat diselenggarakan berdasarkan {_citation(doc.cites[0])}. " if doc.cites else "")
    end = ctx.rng.choice(("11.45", "12.10", "15.30"))
    parts = [
        _kop(UNITS[doc.unit]),
        "NOTULA RAPAT",
        f"Hari/Tanggal : {WEEKDAYS[doc.date.weekday()]}, {long_date(doc.date)}\nWaktu : Pukul 09.00 WIB s.d. selesai\n"
        f"Tempat : {_place(doc)}\nPimpinan Rapat : {chair_title}\nAcara : {doc.case.title if doc.case else doc.title}",
        "Peserta :\n" + numbered(attendees),
        f"I. PEMBUKAAN\n{invitation}Rapat dibuka oleh {chair_title} yang menyampaikan bahwa rapat diadakan "
        f"dalam rangka {_subject(doc)}.",
        "II. PEMBAHASAN\n" + numbered(_facts(doc, ctx, nfacts) + padding),
        "III. KESIMPULAN DAN TINDAK LANJUT\n" + numbered(_outcomes(doc)),
        f"Rapat ditutup oleh pimpinan rapat pukul {end} WIB.",
        f"Pimpinan Rapat,\n{chair.name}\n\nNotulis,\n{minute_taker.name}\nNIP {minute_taker.nip}",
    ]
    return "\n\n".join(parts)


def render_laporan(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a laporan (report on a case, or a unit's quarterly activity report)."""
    if doc.origin == "report":
        return _render_quarterly_report(doc, ctx, padding)
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    dasar = _regulations(doc, ctx, 1)
    if doc.cites:
        dasar.append(_citation(doc.cites[0]))
    topic_line = TOPIC_SENTENCES[doc.topic][0]
    event = doc.event_date or doc.date
    done = ("dilaksanakan" if doc.case is None or doc.case.kind != "admin" else "diselesaikan")
    obstacles = ctx.rng.choice((
        "Kendala yang dihadapi antara lain keterbatasan waktu dan belum seragamnya pemahaman para pelaksana. "
        "Sebagai tindak lanjut, koordinasi akan ditingkatkan dan pendampingan dilanjutkan.",
        "Secara umum kegiatan berjalan lancar. Beberapa kendala teknis di lapangan dapat diatasi bersama "
        "perangkat daerah terkait.",
        "Kendala utama adalah keterlambatan penyampaian data dari sebagian pihak. Tindak lanjut berupa surat "
        "teguran dan pendampingan telah disiapkan.",
    ))
    parts = [
        _kop(UNITS[doc.unit]),
        f"LAPORAN\n{doc.title.removeprefix('Laporan ').upper()}",
        f"I. PENDAHULUAN\nA. Latar Belakang\n{topic_line} Laporan ini memuat pelaksanaan {_subject(doc)}.\n"
        "B. Maksud dan Tujuan\nLaporan ini disusun sebagai bahan informasi, evaluasi dan pertanggungjawaban "
        "kepada pimpinan.",
        "II. DASAR\n" + numbered(dasar),
        f"III. PELAKSANAAN\nKegiatan {done} mulai tanggal {long_date(event)} di {_place(doc)}.\n"
        + numbered(_facts(doc, ctx, nfacts) + padding),
        "IV. HASIL\n" + numbered(_outcomes(doc) or ["Kegiatan telah dilaksanakan sesuai rencana."]),
        f"V. KENDALA DAN TINDAK LANJUT\n{obstacles}",
        "VI. PENUTUP\nDemikian laporan ini disampaikan, atas perhatiannya diucapkan terima kasih.",
        f"{CITY}, {long_date(doc.date)}\n\n" + _signature(head_title, head),
    ]
    return "\n\n".join(parts + _footer(doc))


def _render_quarterly_report(doc: Doc, ctx: Context, padding: list[str]) -> str:
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    by_key = {c.key: c for c in CASES}
    items = []
    for key in doc.mentions:
        case = by_key[key]
        items.append(f"{case.summary[0].upper()}{case.summary[1:]}. {case.outcomes[0]}")
    routine = ctx.rng.sample(ROUTINE_ACTIVITIES, 3)
    items += [f"{r[0].upper()}{r[1:]}." for r in routine]
    quarter, year = doc.slots["quarter"], doc.slots["year"]
    parts = [
        _kop(UNITS[doc.unit]),
        f"LAPORAN KEGIATAN\n{UNITS[doc.unit].name.upper()}\nTRIWULAN {quarter} TAHUN {year}",
        f"I. PENDAHULUAN\nLaporan ini memuat kegiatan yang telah dilaksanakan {UNITS[doc.unit].name} selama "
        f"triwulan {quarter} tahun {year} sebagai bahan evaluasi kinerja dan pengendalian program.",
        "II. KEGIATAN YANG TELAH DILAKSANAKAN\n" + numbered(items),
        f"III. CAPAIAN KINERJA\nRealisasi anggaran sampai dengan akhir triwulan {quarter} mencapai "
        f"{ctx.rng.randint(18, 94)} persen dengan capaian fisik {ctx.rng.randint(20, 97)} persen. "
        + " ".join(padding),
        "IV. PENUTUP\nDemikian laporan ini disampaikan, atas perhatiannya diucapkan terima kasih.",
        f"{CITY}, {long_date(doc.date)}\n\n" + _signature(head_title, head),
    ]
    return "\n\n".join(parts + _footer(doc))


def render_telaahan_staf(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a telaahan staf (staff analysis with a recommendation)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    sender = ctx.rosters[doc.unit].division_heads[0]
    doc.signer = sender.name
    topic_line = TOPIC_SENTENCES[doc.topic][0]
    parts = [
        _kop(UNITS[doc.unit]),
        "TELAAHAN STAF",
        f"Kepada : Yth. {head_title}\nDari : Kepala Bidang Program\nTanggal : {long_date(doc.date)}\n"
        f"Nomor : {doc.number}\nLampiran : 1 (satu) berkas\nPerihal : {doc.title}",
        f"I. PERSOALAN\nPerlu diambil keputusan mengenai {inline(doc.title)}.",
        f"II. PRA-ANGGAPAN\n{topic_line}",
        "III. FAKTA-FAKTA YANG MEMPENGARUHI\n" + numbered(_facts(doc, ctx, nfacts) + padding),
        "IV. ANALISIS\nBerdasarkan fakta tersebut, langkah yang diusulkan sesuai dengan ketentuan peraturan "
        "perundang-undangan dan kebutuhan organisasi, serta dapat dibiayai dari anggaran yang tersedia.",
        f"V. KESIMPULAN\n{inline(doc.title)[0].upper()}{inline(doc.title)[1:]} perlu segera dilaksanakan.",
        f"VI. SARAN\nDisarankan kepada {head_title} untuk menyetujui {inline(doc.title)}. Demikian telaahan "
        "staf ini disampaikan, atas perhatian Bapak diucapkan terima kasih.",
        f"Kepala Bidang Program,\n\n{sender.name}\nNIP {sender.nip}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_pengumuman(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a pengumuman (public announcement)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    parts = [
        _kop(UNITS[doc.unit]),
        f"PENGUMUMAN\nNOMOR {doc.number}\nTENTANG\n{doc.title.removeprefix('Pengumuman ').upper()}",
        f"Dalam rangka {_subject(doc)}, dengan ini diumumkan hal-hal sebagai berikut:",
        numbered(_facts(doc, ctx, nfacts) + _outcomes(doc) + padding),
        f"Informasi lebih lanjut dapat diperoleh di {UNITS[doc.unit].name} pada hari dan jam kerja.",
        "Demikian pengumuman ini disampaikan untuk diketahui, atas perhatiannya diucapkan terima kasih.",
        f"{CITY}, {long_date(doc.date)}\n\n" + _signature(head_title, head),
    ]
    return "\n\n".join(parts + _footer(doc))


def render_memo(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a memo (short internal note)."""
    roster = ctx.rosters[doc.unit]
    doc.signer = roster.secretary.name
    parts = [
        _kop(UNITS[doc.unit]),
        "MEMO",
        f"Kepada : Yth. Kepala Bagian Umum\nDari : Sekretaris {UNITS[doc.unit].name}\n"
        f"Tanggal : {long_date(doc.date)}\nNomor : {doc.number}\nHal : {doc.title}",
        "Dengan hormat,",
        f"Bersama ini kami sampaikan mengenai {inline(doc.title)} dengan penjelasan sebagai berikut:",
        numbered(_facts(doc, ctx, nfacts) + padding),
        "Demikian disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih.",
        f"Sekretaris,\n\n{roster.secretary.name}\nNIP {roster.secretary.nip}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_keterangan(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat keterangan (certificate about an employee)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    person = next((p for p in ctx.rosters[doc.unit].staff if p.name.startswith(doc.slots.get("person", "?"))),
                  ctx.rosters[doc.unit].staff[0])
    parts = [
        _kop(UNITS[doc.unit]),
        f"SURAT KETERANGAN\nNomor: {doc.number}",
        f"Yang bertanda tangan di bawah ini:\nNama : {head.name}\nNIP : {head.nip}\nJabatan : {head_title}",
        f"dengan ini menerangkan bahwa:\nNama : {person.name}\nNIP : {person.nip}\nPangkat/Gol. : {person.rank}\n"
        f"Unit Kerja : {UNITS[doc.unit].name}",
        " ".join(_facts(doc, ctx, nfacts) + padding),
        "Demikian surat keterangan ini dibuat dengan sebenarnya untuk dapat dipergunakan sebagaimana mestinya, "
        "atas perhatiannya diucapkan terima kasih.",
        f"{CITY}, {long_date(doc.date)}\n\n" + _signature(head_title, head),
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_kuasa(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat kuasa (power of attorney between two employees)."""
    giver, receiver = ctx.rng.sample(ctx.rosters[doc.unit].staff, 2)
    doc.signer = giver.name
    parts = [
        _kop(UNITS[doc.unit]),
        f"SURAT KUASA\nNomor: {doc.number}",
        f"Yang bertanda tangan di bawah ini:\nNama : {giver.name}\nNIP : {giver.nip}\nPangkat/Gol. : {giver.rank}\n"
        "selanjutnya disebut Pemberi Kuasa.",
        f"Memberikan kuasa kepada:\nNama : {receiver.name}\nNIP : {receiver.nip}\nPangkat/Gol. : {receiver.rank}\n"
        "selanjutnya disebut Penerima Kuasa.",
        numbered(_facts(doc, ctx, nfacts) + padding),
        "Demikian surat kuasa ini dibuat untuk dipergunakan sebagaimana mestinya, atas perhatiannya diucapkan "
        "terima kasih.",
        f"{CITY}, {long_date(doc.date)}\n\nPenerima Kuasa,\n{receiver.name}\n\nPemberi Kuasa,\n{giver.name}",
    ]
    return "\n\n".join(parts + _footer(doc))


def render_surat_pengantar(doc: Doc, ctx: Context, nfacts: int, padding: list[str]) -> str:
    """Return the text of a surat pengantar (cover letter for sent documents)."""
    head_title, head = _head(doc.unit, doc.date, ctx.rosters)
    parts = [
        _kop(UNITS[doc.unit]),
        f"SURAT PENGANTAR\nNomor: {doc.number}",
        f"Yth. Sekretaris Daerah {CITY_FULL}\ndi {CITY}",
        "Dengan hormat,",
        numbered(_facts(doc, ctx, nfacts) + padding),
        f"Banyaknya: 1 (satu) berkas. Keterangan: dikirim dengan hormat untuk {ctx.rng.choice(('diketahui', 'dipergunakan sebagaimana mestinya', 'ditindaklanjuti'))}.",
        "Demikian disampaikan, atas perhatiannya diucapkan terima kasih.",
        f"{CITY}, {long_date(doc.date)}\n\n" + _signature(head_title, head),
    ]
    return "\n\n".join(parts + _footer(doc))


RENDERERS = {
    "nota_dinas": render_nota_dinas, "surat_dinas": render_surat_dinas,
    "surat_undangan": render_surat_undangan, "surat_tugas": render_surat_tugas,
    "surat_edaran": render_surat_edaran, "keputusan": render_keputusan, "berita_acara": render_berita_acara,
    "notula": render_notula, "laporan": render_laporan, "telaahan_staf": render_telaahan_staf,
    "pengumuman": render_pengumuman, "memo": render_memo, "surat_keterangan": render_surat_keterangan,
    "surat_kuasa": render_surat_kuasa, "surat_pengantar": render_surat_pengantar,
}


def render(doc: Doc, ctx: Context) -> str:
    """Return the letter's text, padded with topic sentences or cut to fit 150-600 words."""
    renderer = RENDERERS[doc.doc_type]
    nfacts = len(doc.case.facts) if doc.case is not None else (len(doc.routine.facts) if doc.routine else 0)
    if doc.case is not None and doc.doc_type not in ("laporan", "keputusan", "surat_edaran"):
        # Letters other than reports and decrees repeat only part of the matter.
        nfacts = ctx.rng.randint(min(3, nfacts), nfacts)
    pool = list(TOPIC_SENTENCES[doc.topic]) + list(TOPIC_SENTENCES["koordinasi"])
    ctx.rng.shuffle(pool)
    padding: list[str] = []
    state = ctx.rng.getstate()
    while True:
        # Each attempt replays the same random choices, so padding only adds sentences.
        ctx.rng.setstate(state)
        body = renderer(doc, ctx, nfacts, padding)
        words = word_count(body)
        if words < MIN_WORDS and pool:
            padding.append(pool.pop())
        elif words > MAX_WORDS and nfacts > 1:
            nfacts -= 1
        else:
            break
    if not MIN_WORDS <= word_count(body) <= MAX_WORDS:
        raise CollectionError(f"{doc.title!r} has {word_count(body)} words")
    return body


# -- assembling the collection -----------------------------------------------------------------


def _cite_targets(docs: Sequence[Doc], rng: random.Random) -> None:
    """Let later letters of a case cite an earlier one, as Indonesian letters do ("Menindaklanjuti ...")."""
    by_case: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        if doc.case is not None:
            by_case[doc.case.key].append(doc)
    for case_docs in by_case.values():
        case_docs.sort(key=lambda d: d.case_index)
        for doc in case_docs[1:]:
            earlier = [d for d in case_docs if d.case_index < doc.case_index and d.doc_type != "notula"]
            if not earlier or doc.doc_type in ("keputusan", "surat_edaran", "pengumuman"):
                continue
            preferred = [d for d in earlier if d.doc_type in ("surat_tugas", "keputusan")]
            if doc.doc_type == "notula":
                preferred = [d for d in earlier if d.doc_type == "surat_undangan"]
            target = (preferred or earlier)[-1]
            if doc.doc_type == "notula" and not preferred:
                continue
            if rng.random() < 0.85:
                doc.cites.append(target)


def build_documents(seed: int = SEED) -> list[Doc]:
    """Generate, number and render every letter of the collection."""
    rng = random.Random(seed)
    rosters = make_rosters(random.Random(f"{seed}:people"))
    case_docs = [doc for case in CASES for doc in _case_docs(case, rng)]
    routine_docs = [doc for routine in ROUTINES for doc in _routine_docs(routine, rng, rosters)]
    reports = _report_docs(case_docs, rng)
    docs = case_docs + routine_docs + reports
    docs.sort(key=lambda d: (d.date, d.doc_type, d.title))
    for i, doc in enumerate(docs, start=1):
        doc.id = i
        doc.classification = CLASSIFICATION[doc.topic]
        staff = rosters[doc.unit].staff
        doc.author = staff[(i * 7) % len(staff)].name
    allocate_numbers(docs, rng)
    _cite_targets(docs, rng)
    ctx = Context(rosters=rosters, rng=rng)
    for doc in docs:
        # Renderers whose letter is signed by someone other than the head say so.
        doc.signer = _head(doc.unit, doc.date, rosters)[1].name
        doc.body = render(doc, ctx)
    return docs


# -- judgements --------------------------------------------------------------------------------


def _number_parts(number: str) -> list[str]:
    return " ".join(number.lower().split()).split("/")


def number_matches(typed: str, number: str) -> bool:
    """Tell whether a typed (possibly partial) letter number denotes this letter number.

    A decree number matches only whole ("nomor 12 tahun 2026", or without "nomor"); a register number matches when
    the typed parts are consecutive parts of it ("15/DISKOMINFO" in 000.8.3.3/15/DISKOMINFO/2026).
    """
    typed_norm = " ".join(typed.lower().split())
    number_norm = " ".join(number.lower().split())
    if "tahun" in typed_norm or number_norm.startswith("nomor "):
        return typed_norm.removeprefix("nomor ") == number_norm.removeprefix("nomor ")
    want, have = _number_parts(typed_norm), _number_parts(number)
    return any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


def typed_number(number: str, form: str) -> str:
    """Return a letter number as a staff member types it in the given form."""
    if number.startswith("NOMOR "):
        seq, year = number.split()[1], number.split()[3]
        return {"decree": f"nomor {seq} tahun {year}", "decree_short": f"{seq} tahun {year}"}[form]
    classification, seq, unit, year = number.split("/")
    forms = {
        "full": number,
        "full_lower": number.lower(),
        "seq/unit": f"{seq}/{unit}",
        "seq/unit_lower": f"{seq}/{unit.lower()}",
        "class/seq": f"{classification}/{seq}",
        "seq/unit/year": f"{seq}/{unit}/{year}",
        "class/seq/unit": f"{classification}/{seq}/{unit}",
    }
    return forms[form]


def _doc_attributes(doc: Doc) -> dict[str, str]:
    return {"doc_type": doc.doc_type, "unit": doc.unit, "year": str(doc.date.year),
            "month": f"{doc.date:%Y-%m}", "origin": doc.origin, "topic": doc.topic}


def judge(spec: QuerySpec, docs: Sequence[Doc]) -> tuple[str, dict[int, int]]:
    """Return the query text as typed and its judgements {doc id: grade}, from how the letters were made."""
    grades: dict[int, int] = {}

    def _grant(doc: Doc, grade: int) -> None:
        grades[doc.id] = max(grades.get(doc.id, 0), grade)

    q = spec.q
    case_grades = dict(spec.cases)
    for doc in docs:
        if doc.case is not None and doc.case.key in case_grades:
            grade = case_grades[doc.case.key]
            if spec.focus and grade == 2:
                grade = 2 if doc.doc_type in spec.focus else 1
            _grant(doc, grade)
        elif doc.origin == "report" and not spec.focus:
            if any(case_grades.get(key) == 2 for key in doc.mentions):
                _grant(doc, 1)
        if doc.subject is not None and doc.subject in dict(spec.routines):
            _grant(doc, dict(spec.routines)[doc.subject])
        attributes = _doc_attributes(doc)
        if spec.where and all(attributes[k] == v for k, v in spec.where):
            _grant(doc, 2)
        elif spec.where_partial and all(attributes[k] == v for k, v in spec.where_partial):
            _grant(doc, 1)
    if spec.number_of is not None:
        case_key, index = spec.number_of
        target = next(d for d in docs if d.case is not None and d.case.key == case_key and d.case_index == index)
        typed = typed_number(target.number, spec.number_form)
        q = spec.q.format(n=typed)
        named = [d for d in docs if number_matches(typed, d.number)]
        if target not in named:
            raise CollectionError(f"typed number {typed!r} does not match its own letter {target.number}")
        for doc in named:
            _grant(doc, 2)
        for doc in docs:
            if any(c in named for c in doc.cites):
                _grant(doc, 1)
    if not grades:
        raise CollectionError(f"query {spec.q!r} has no relevant document")
    if len(grades) > MAX_JUDGED:
        raise CollectionError(f"query {spec.q!r} has {len(grades)} judged documents (max {MAX_JUDGED})")
    return q, dict(sorted(grades.items()))


def build_queries(docs: Sequence[Doc]) -> list[dict[str, Any]]:
    """Return the query records with their judgements."""
    records = []
    seen: set[str] = set()
    for i, spec in enumerate(QUERY_SPECS, start=1):
        q, grades = judge(spec, docs)
        if q in seen:
            raise CollectionError(f"query {q!r} appears twice")
        seen.add(q)
        records.append({"id": f"Q{i:02d}", "group": spec.group, "q": q,
                        "judgements": {str(k): v for k, v in grades.items()}, "note": spec.note})
    return records


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    """Write records one JSON object per line (UTF-8, stable key order)."""
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> None:
    """Generate eval/collection.jsonl and eval/queries.jsonl."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=EVAL_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    docs = build_documents()
    queries = build_queries(docs)
    write_jsonl(args.out_dir / COLLECTION_FILE.name, (d.to_json() for d in docs))
    write_jsonl(args.out_dir / QUERIES_FILE.name, queries)
    words = [word_count(d.body) for d in docs]
    logger.info("Wrote %d documents (%d-%d words) and %d queries to %s", len(docs), min(words), max(words),
                len(queries), args.out_dir)


if __name__ == "__main__":
    main()
