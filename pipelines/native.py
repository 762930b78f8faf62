"""The extraction modules compiled: the same Python source, built by mypyc into C extensions.

`make setup` runs `python -m pipelines.native build`, which compiles `pipelines/extract/*.py`
(all but `__init__.py`) into `build/native/` with a manifest holding a digest of the sources it
was built from. Importing `pipelines.extract` calls
`use_compiled()`: when the manifest's digest matches the sources byte for byte, a finder loads the
compiled modules; otherwise the source runs. Both give the same rows (the test suite compares
them); the compiled build is about 1.3× faster, which is most of what makes a refresh faster
than the peers (BENCHMARKS.md).

The source is the reference: no compiler, a failed build, a source edited since the build, or
`YANBAO_PURE_PYTHON=1` all mean the source runs, never a stale build. `MODE` says which runs.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.paths import EXTRACT_DIR, REPO_ROOT

BUILD_DIR = REPO_ROOT / "build"
NATIVE_DIR = BUILD_DIR / "native"
MANIFEST = NATIVE_DIR / "manifest.json"
BUILD_LOG = BUILD_DIR / "native-build.log"
# __init__.py decides which code runs, so it is never compiled itself.
INTERPRETED = frozenset({"__init__.py"})
GROUP = "yanbao_native"      # the shared library mypyc builds the modules into
PURE_ENV = "YANBAO_PURE_PYTHON"

MODE = "source (pipelines.extract not imported yet)"


def compiled_sources() -> list[Path]:
    return sorted(p for p in EXTRACT_DIR.glob("*.py") if p.name not in INTERPRETED)


def source_digest() -> str:
    """The sources a build is made from, and the interpreter it is made for."""
    h = hashlib.sha256(sys.implementation.cache_tag.encode())
    for path in compiled_sources():
        h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class _CompiledFinder(importlib.abc.MetaPathFinder):
    """Finds the compiled extension of each module the manifest lists, and nothing else."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - the MetaPathFinder protocol
        file = self.files.get(name)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(name, str(file))
        return importlib.util.spec_from_file_location(name, file, loader=loader)


def use_compiled() -> str:
    """Load the compiled modules from now on if a build matches the source; returns (and sets) MODE."""
    global MODE
    if any(isinstance(f, _CompiledFinder) for f in sys.meta_path):
        return MODE
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        MODE = f"source ({PURE_ENV} is set)"
        return MODE
    try:
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        files = {name: NATIVE_DIR / rel for name, rel in manifest["modules"].items()}
    except FileNotFoundError:
        MODE = "source (no compiled build: `make native`)"
        return MODE
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        MODE = f"source (unreadable {MANIFEST}: {exc})"
        return MODE
    if manifest.get("digest") != source_digest():
        MODE = "source (the compiled build is older than the source: `make native` rebuilds it)"
        print(f"yanbao: {MODE}", file=sys.stderr)
        return MODE
    if not all(f.is_file() for f in files.values()):
        MODE = f"source (files missing from {NATIVE_DIR}: `make native`)"
        return MODE
    sys.meta_path.insert(0, _CompiledFinder(files))
    MODE = f"compiled (mypyc {manifest.get('mypy', '?')})"
    return MODE


def build() -> Path:
    """Compile into a fresh folder, then swap it in for the old one: a failed or interrupted build
    leaves the previous build (or none) in place."""
    from mypy.version import __version__ as mypy_version
    from mypyc.build import mypycify  # build-time only (a dev dependency)
    from setuptools import setup

    BUILD_DIR.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="native-", dir=BUILD_DIR))
    # Digest first: a source edited during the build then makes the build stale, never wrong.
    digest = source_digest()
    sources = [str(p.relative_to(REPO_ROOT)) for p in compiled_sources()]
    started = time.perf_counter()
    cwd = os.getcwd()
    os.environ.setdefault("MYPY_CACHE_DIR", str(BUILD_DIR / "mypy_cache"))
    try:
        os.chdir(REPO_ROOT)   # mypyc names modules by their path from here
        extensions = mypycify(sources, opt_level="3", multi_file=True, group_name=GROUP,
                              target_dir=str(work / "c"))
        os.chdir(work)        # and setuptools reads no project configuration from here
        setup(name="yanbao-native", ext_modules=extensions, script_args=[
            "--quiet", "build_ext", "--build-lib", str(work / "lib"), "--build-temp", str(work / "tmp"),
            "--parallel", str(os.cpu_count() or 1)])
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        os.chdir(cwd)
    lib = work / "lib"
    suffixes = sorted(importlib.machinery.EXTENSION_SUFFIXES, key=len, reverse=True)
    modules = {}
    for so in sorted(lib.rglob("*.so")):
        rel = so.relative_to(lib).as_posix()
        stem = next(rel[: -len(s)] for s in suffixes if rel.endswith(s))
        modules[stem.replace("/", ".")] = rel
    manifest = {"digest": digest, "mypy": mypy_version, "python": sys.version.split()[0],
                "built_seconds": round(time.perf_counter() - started, 1), "modules": modules}
    (lib / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    old = BUILD_DIR / f"native-old-{os.getpid()}"
    if NATIVE_DIR.exists():
        NATIVE_DIR.rename(old)
    lib.rename(NATIVE_DIR)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)
    return MANIFEST


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["build"]:
        print(f"compiling the extraction modules with mypyc (about a minute; log: {BUILD_LOG})", flush=True)
        try:
            with _output_to(BUILD_LOG):
                path = build()
        except (Exception, SystemExit) as exc:   # noqa: BLE001 - mypy exits on a type error
            tail = BUILD_LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
            print("\n".join(tail), file=sys.stderr)
            print(f"yanbao: the compiled build failed ({type(exc).__name__}: {exc}); the whole log is "
                  f"{BUILD_LOG}", file=sys.stderr)
            return 1
        built = json.loads(path.read_text(encoding="utf-8"))
        print(f"compiled {len(built['modules']) - 1} extraction modules with mypyc {built['mypy']} "
              f"in {built['built_seconds']} s: {NATIVE_DIR}")
        return 0
    if args == ["status"]:
        print(use_compiled())
        return 0
    print("usage: python -m pipelines.native build|status", file=sys.stderr)
    return 2


@contextmanager
def _output_to(log: Path) -> Iterator[None]:
    """This process's and its children's stdout and stderr, into `log`: mypy and the C compiler
    write hundreds of lines, which a user needs only when the build fails."""
    log.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "wb") as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


if __name__ == "__main__":
    raise SystemExit(main())
