"""Extraction: pure functions from a document's text to its facts (`document.extract_document`).

The modules here run compiled by mypyc when a build matches their source (pipelines/native.py),
else as the Python source; the rows are the same either way.
"""

from pipelines.native import use_compiled

use_compiled()
