"""Fast overlap tests against a set of spans (entity names, document titles).

A document can hold thousands of mentions; testing each quantity against every
span is quadratic, so spans are kept sorted and probed with bisect.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class SpanIndex:
    """Non-overlapping (start, end) spans, sorted by start."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.ends, start + 1)   # first span ending after `start`
        return i < len(self.starts) and self.starts[i] < end

    def contains(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.starts[i] <= start and end <= self.ends[i]
