"""Seeing the evidence: HTML pages of each report with every fact at its span, and a corpus index.

`page` renders one document, `index` the overview and `svg` its charts (pure functions over
plain data, plus the few reads from the warehouse they need); `publish` writes them beside the
warehouse; `commands` wires `yanbao show` and `yanbao report`.
"""
