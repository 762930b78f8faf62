"""The compiled extraction modules give exactly the rows the Python source gives."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

from bench import golden
from pipelines import native
from pipelines.paths import REPO_ROOT

CORPUS_DOCUMENTS = 60     # plus every labelled fixture text (bench.golden.documents)

_SOURCE_RUN = """
import pickle, sys
from bench import golden
from pipelines import native
rows, _, _ = golden.extract_all(golden.documents(int(sys.argv[1])))
pickle.dump((native.MODE, rows), open(sys.argv[2], "wb"))
"""


def test_compiled_rows_equal_source_rows(tmp_path):
    # (bench.golden imports the extraction modules: which code runs here is settled)
    if not native.MODE.startswith("compiled"):
        pytest.skip(f"extraction runs as {native.MODE}")
    compiled, _, _ = golden.extract_all(golden.documents(CORPUS_DOCUMENTS))
    out = tmp_path / "source.pickle"
    env = {**os.environ, native.PURE_ENV: "1", "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-c", _SOURCE_RUN, str(CORPUS_DOCUMENTS), str(out)],
                   cwd=REPO_ROOT, env=env, check=True, timeout=300)
    mode, source = pickle.loads(out.read_bytes())
    assert mode.startswith("source")
    assert compiled.keys() == source.keys()
    for name in compiled:
        assert compiled[name] == source[name], name
