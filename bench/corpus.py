"""A deterministic benchmark corpus built from the bundled sample and the dev-set texts.

Document `i` is a fixed function of `i` and of the source texts present: a header
(title, date and source lines, in the source's language) and the body paragraphs
of a randomly chosen source, shuffled, continued with other sources of the same
language until a drawn length is reached (mean about 7,500 characters). Every
digit is redrawn from the document's own random stream, so no cache keyed on
text, sentence or number can stand in for extraction work, and the corpus for
N documents is the first N documents of any larger corpus.

Digits are redrawn with calendar fields kept valid (a year stays 2005-2030, a
month 1-12, a day 1-28, a quarter 1-4, a half 1-2): a random `7381年13月45日`
would send the period extractor down its rejection path instead of the work a
real report costs, and the benchmark would measure the wrong thing.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipelines.ingest.metadata import read_metadata

REPO_ROOT = Path(__file__).resolve().parents[1]
SOURCE_GLOBS = (("samples/inbox", "*.txt"), ("tests/fixtures/devset", "*.txt"))

MEAN_CHARACTERS = 7_500
# Drawn target lengths; the last paragraph overshoots the target by half a paragraph on average.
TARGET_RANGE = (4_200, 10_200)
TINY_TARGET_RANGE = (200, 600)

FIRST_DATE = dt.date(2019, 1, 1)
DATE_SPAN_DAYS = 7 * 365

# Publishers for the header line: the benchmark needs a plausible `来源` line, not real attribution.
PUBLISHERS = {
    "zh": ("中信证券研究部", "中金公司研究部", "华泰证券研究所", "国泰君安证券研究所",
           "招商证券研究发展中心", "广发证券发展研究中心", "申万宏源研究", "海通证券研究所"),
    "en": ("Morgan Stanley Research", "Goldman Sachs Global Investment Research",
           "J.P. Morgan Equity Research", "UBS Global Research"),
}
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMBER_RUN = re.compile(r"[0-9０-９]+")
_MONTH_BEFORE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+$")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")
# Head residue of a scraped source (navigation, date, source, byline): short lines at the top.
_HEAD_LINES = 6
_HEAD_RESIDUE_MAX = 40


@dataclass(frozen=True)
class Source:
    """One source text cut into the paragraphs documents are built from."""

    key: str
    language: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """One benchmark document: its inbox file name, text and the date its header states."""

    index: int
    name: str
    text: str
    published: dt.date
    source_key: str
    language: str


def load_sources(root: Path = REPO_ROOT) -> list[Source]:
    """Every source text present now, sorted by path so the corpus does not depend on listing order."""
    out = []
    for folder, pattern in SOURCE_GLOBS:
        for path in sorted((root / folder).glob(pattern)):
            text = path.read_text(encoding="utf-8-sig")
            source = _source(f"{folder}/{path.name}", text)
            if source.paragraphs:
                out.append(source)
    if not out:
        raise FileNotFoundError(f"no source texts under {root}/samples/inbox or {root}/tests/fixtures/devset")
    return out


def _source(key: str, text: str) -> Source:
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    title = read_metadata(text).title
    if title not in lines or len(title) > 80:
        # No clean title line (a one-paragraph digest, a byline): name the report after its file.
        title = Path(key).stem.replace("_", " ") + (" 研究报告" if _CJK.search(text) else " research note")
    body = [
        line for i, line in enumerate(lines)
        if line != title and not (i < _HEAD_LINES and len(line) < _HEAD_RESIDUE_MAX)
    ]
    language = "zh" if len(_CJK.findall(text)) > 0.1 * len(text) else "en"
    return Source(key=key, language=language, title=title, paragraphs=tuple(body))


def build_document(index: int, sources: list[Source], tiny: bool = False) -> Document:
    """Document `index`: the same text for the same index and sources, on any machine."""
    # A str seed is hashed with SHA-512 by `random`, independent of PYTHONHASHSEED.
    rng = random.Random(f"yanbao-bench:{index}")
    primary = sources[rng.randrange(len(sources))]
    same_language = [s for s in sources if s.language == primary.language]
    target = rng.randint(*(TINY_TARGET_RANGE if tiny else TARGET_RANGE))

    body: list[str] = []
    length = 0
    source = primary
    while length < target:
        paragraphs = list(source.paragraphs)
        rng.shuffle(paragraphs)
        for paragraph in paragraphs:
            if length >= target:
                break
            redrawn = redraw_digits(paragraph, rng)
            body.append(redrawn)
            length += len(redrawn) + 2
        source = same_language[rng.randrange(len(same_language))]

    published = FIRST_DATE + dt.timedelta(days=rng.randrange(DATE_SPAN_DAYS))
    publisher = rng.choice(PUBLISHERS[primary.language])
    if primary.language == "zh":
        header = f"{primary.title}（第{index + 1}篇）\n{published.isoformat()}\n来源：{publisher}"
    else:
        header = (f"{primary.title} (report {index + 1})\n"
                  f"{ENGLISH_MONTHS[published.month - 1]} {published.day}, {published.year}\nSource: {publisher}")
    text = header + "\n\n" + "\n\n".join(body) + "\n"
    return Document(index=index, name=f"bench_{index:06d}.txt", text=text, published=published,
                    source_key=primary.key, language=primary.language)


def redraw_digits(text: str, rng: random.Random) -> str:
    """`text` with every number's digits drawn anew from `rng`, calendar fields kept valid."""

    def draw(match: re.Match[str]) -> str:
        digits = match.group()
        start, end = match.span()
        before = text[start - 1] if start else ""
        after = text[end:end + 2].lstrip()[:1]
        if before in ".,，" and start >= 2 and text[start - 2].isdigit():
            # A fraction or a thousands group: a leading zero is legitimate here.
            return "".join(str(rng.randrange(10)) for _ in digits)
        if len(digits) == 4 and digits[:2] in ("19", "20", "１９", "２０"):
            return str(rng.randint(2005, 2030))
        if len(digits) == 1 and before and before in "QqHh":
            return str(rng.randint(1, 4 if before in "Qq" else 2))
        if len(digits) == 2 and after in ("Q", "H") and not before.isalnum():
            return str(rng.randint(15, 30))
        if len(digits) <= 2 and after == "月":
            return str(rng.randint(1, 12))
        if len(digits) <= 2 and (after in ("日", "号") or _MONTH_BEFORE.search(text, max(0, start - 12), start)):
            return str(rng.randint(1, 28))
        if digits in ("0", "０"):
            return "0"
        return str(rng.randint(1, 9)) + "".join(str(rng.randrange(10)) for _ in digits[1:])

    return _NUMBER_RUN.sub(draw, text)


def build_corpus(count: int, sources: list[Source] | None = None, tiny: bool = False,
                 start: int = 0) -> Iterator[Document]:
    """Documents start .. start+count-1."""
    sources = sources if sources is not None else load_sources()
    for index in range(start, start + count):
        yield build_document(index, sources, tiny=tiny)


def write_corpus(folder: Path, documents: Iterable[Document]) -> list[Document]:
    """Write each document as UTF-8 into `folder` (created); the documents, for reuse in memory."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in documents:
        (folder / doc.name).write_text(doc.text, encoding="utf-8")
        written.append(doc)
    return written


def sentence_overlap(documents: Iterable[Document], min_length: int = 8) -> dict[str, float | int]:
    """How far the promise "no two documents share a sentence" holds, measured, not assumed.

    Sentences are cut at Chinese and Western sentence ends and line breaks; fragments
    shorter than `min_length` (list markers, `1 )`) are ignored. A sentence without a
    digit has nothing to redraw, so it recurs in every document built from its source:
    those are counted separately.
    """
    first_seen: dict[int, int] = {}
    shared: set[int] = set()
    total = with_digit = 0
    for doc in documents:
        for match in _SENTENCE.finditer(doc.text):
            sentence = match.group().strip()
            if len(sentence) < min_length:
                continue
            total += 1
            key = hash(sentence)
            owner = first_seen.setdefault(key, doc.index)
            if owner != doc.index:
                shared.add(key)
            with_digit += any(ch.isdigit() for ch in sentence)
    return {
        "sentences": total,
        "distinct_sentences": len(first_seen),
        "sentences_in_more_than_one_document": len(shared),
        "share_of_distinct_sentences_shared": round(len(shared) / max(len(first_seen), 1), 4),
        "share_of_sentences_with_a_digit": round(with_digit / max(total, 1), 4),
    }
