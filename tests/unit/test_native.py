"""Which extraction code runs: the compiled build only when it was built from this very source."""

from __future__ import annotations

import json
import sys

import pytest

from pipelines import native


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """use_compiled() as in a new process: no finder installed yet, no override, MODE restored after."""
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path if not isinstance(f, native._CompiledFinder)])
    monkeypatch.setattr(native, "MODE", native.MODE)
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    monkeypatch.setattr(native, "MANIFEST", tmp_path / "manifest.json")
    return tmp_path / "manifest.json"


def _installed() -> bool:
    return any(isinstance(f, native._CompiledFinder) for f in sys.meta_path)


def test_without_a_build_the_source_runs(fresh):
    assert native.use_compiled().startswith("source (no compiled build")
    assert not _installed()


def test_a_build_of_other_source_is_never_used(fresh, capsys):
    fresh.write_text(json.dumps({"digest": "0" * 64, "modules": {}}), encoding="utf-8")
    assert native.use_compiled().startswith("source (the compiled build is older than the source")
    assert not _installed()
    assert "make native" in capsys.readouterr().err     # said once, where a developer sees it


def test_a_build_with_files_missing_is_not_used(fresh, tmp_path, monkeypatch):
    monkeypatch.setattr(native, "NATIVE_DIR", tmp_path)
    fresh.write_text(json.dumps({"digest": native.source_digest(),
                                 "modules": {"pipelines.extract.facts": "gone.so"}}), encoding="utf-8")
    assert native.use_compiled().startswith("source (files missing")
    assert not _installed()


def test_the_environment_can_ask_for_the_source(fresh, monkeypatch):
    fresh.write_text(json.dumps({"digest": native.source_digest(), "modules": {}}), encoding="utf-8")
    monkeypatch.setenv(native.PURE_ENV, "1")
    assert native.use_compiled() == f"source ({native.PURE_ENV} is set)"
    assert not _installed()


def test_a_matching_build_is_used_for_the_modules_it_lists_only(fresh, tmp_path, monkeypatch):
    monkeypatch.setattr(native, "NATIVE_DIR", tmp_path)
    (tmp_path / "facts.so").write_bytes(b"")
    fresh.write_text(json.dumps({"digest": native.source_digest(), "mypy": "9.9",
                                 "modules": {"pipelines.extract.facts": "facts.so"}}), encoding="utf-8")
    assert native.use_compiled() == "compiled (mypyc 9.9)"
    finder = next(f for f in sys.meta_path if isinstance(f, native._CompiledFinder))
    assert finder.find_spec("pipelines.extract.facts").origin == str(tmp_path / "facts.so")
    assert finder.find_spec("pipelines.extract.document") is None


def test_the_digest_covers_every_compiled_source_and_not_the_glue():
    names = {p.name for p in native.compiled_sources()}
    assert "facts.py" in names and "periods.py" in names
    assert not names & native.INTERPRETED
