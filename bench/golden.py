"""Output-equality guard for speed work: extraction must give the same rows before and after.

    python -m bench.golden save [--docs 300]    # record the current output
    python -m bench.golden check [--docs 300]   # compare; lists the first differences, exit 1 if any

The documents are the first N of the benchmark corpus plus every labelled fixture text (the seed
report, the dev set and the held-out set), each extracted in-process by `extract_document` with
the date its header states. The record is a pickle in bench/out/ (ignored by git): it is the
output of *this* checkout, not a fixture.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time

from bench.corpus import REPO_ROOT, build_corpus
from pipelines.extract.document import extract_document
from pipelines.ingest.metadata import read_metadata

RECORD = REPO_ROOT / "bench" / "out" / "golden.pickle"
FIXTURE_GLOBS = ("tests/fixtures/eval/*.txt", "tests/fixtures/devset/*.txt", "tests/fixtures/holdout/*.txt")


def documents(count: int) -> list[tuple[str, str, object]]:
    docs = [(d.name, d.text, d.published) for d in build_corpus(count)]
    for pattern in FIXTURE_GLOBS:
        for path in sorted(REPO_ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            docs.append((path.name, text, read_metadata(text).published_date))
    return docs


def extract_all(docs) -> tuple[dict[str, dict[str, list[tuple]]], float, int]:
    started = time.perf_counter()
    out = {name: extract_document(name, text, date) for name, text, date in docs}
    return out, time.perf_counter() - started, sum(len(t) for _, t, _ in docs)


def compare(old: dict, new: dict, limit: int = 20) -> list[str]:
    diffs: list[str] = []
    for name in old.keys() | new.keys():
        a, b = old.get(name, {}), new.get(name, {})
        for frame in a.keys() | b.keys():
            ra, rb = a.get(frame, []), b.get(frame, [])
            if ra == rb:
                continue
            sa, sb = set(ra), set(rb)
            for row in sorted(sa - sb, key=repr)[:3]:
                diffs.append(f"{name} {frame} - {row}")
            for row in sorted(sb - sa, key=repr)[:3]:
                diffs.append(f"{name} {frame} + {row}")
            if sa == sb:
                diffs.append(f"{name} {frame}: same rows, different order")
            if len(diffs) >= limit:
                return diffs
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("save", "check"))
    parser.add_argument("--docs", type=int, default=300)
    args = parser.parse_args(argv)
    out, seconds, chars = extract_all(documents(args.docs))
    print(f"extracted {len(out)} documents, {chars:,} characters in {seconds:.2f} s "
          f"({chars / seconds:,.0f} characters/s, one core)")
    if args.action == "save":
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_bytes(pickle.dumps(out))
        print(f"saved {RECORD}")
        return 0
    diffs = compare(pickle.loads(RECORD.read_bytes()), out)
    for line in diffs:
        print(line)
    print("identical" if not diffs else f"DIFFERENT ({len(diffs)}+ differences shown)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
