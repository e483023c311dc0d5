"""The harness is a layer of its own: what tests share lives in tests/harness/, and no test
module imports from a conftest or from another test module (a conftest holds only its folder's
fixtures, which pytest provides by name)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(TESTS.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path, source: str | None = None) -> list[tuple[int, list[str]]]:
    """Every module an import statement in ``path`` names (also inside functions), as dotted parts."""
    package = _module_of(path)[:-1] if path.name != "__init__.py" else _module_of(path)
    found = []
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (package[: len(package) - node.level + 1] if node.level else [])
            module = base + (node.module.split(".") if node.module else [])
            found.append((node.lineno, module))
            # `from tests.discord import conftest` / `from . import test_x`: the names are modules too
            found += [(node.lineno, module + [alias.name]) for alias in node.names
                      if alias.name == "conftest" or alias.name.startswith("test_")]
    return found


def test_no_test_code_imports_a_conftest_or_a_test_module() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}: {'.'.join(module)}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, module in _imported(path)
        if module[:1] == ["tests"] and any(part == "conftest" or part.startswith("test_") for part in module[1:])
    ]
    assert offenders == []


def test_what_tests_share_comes_from_the_harness() -> None:
    """Inside tests/, only tests.harness is imported: no helper module hides in a test folder."""
    offenders = [
        f"{path.relative_to(TESTS.parent)}:{line}: {'.'.join(module)}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, module in _imported(path)
        if module[:1] == ["tests"] and module[1:2] != ["harness"] and len(module) > 1
    ]
    assert offenders == []


def test_the_root_conftest_only_loads_the_harness_plugin() -> None:
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    body = [node for node in tree.body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    assert [ast.unparse(node) for node in body] == ["pytest_plugins = ['tests.harness.plugin']"]


def test_the_layout_check_sees_what_it_forbids() -> None:
    """The checker itself: each kind of forbidden import is found (absolute, from-package, relative, nested)."""
    source = ("from tests.slack.conftest import x\nimport tests.cli.test_demo\n"
              "from tests.discord import conftest\nfrom .test_threads import y\n"
              "def f():\n    from tests.harness.waiting import eventually\n")
    found = {".".join(module) for _, module in _imported(TESTS / "slack" / "probe.py", source)}
    assert {"tests.slack.conftest", "tests.cli.test_demo", "tests.discord.conftest", "tests.slack.test_threads",
            "tests.harness.waiting"} <= found
