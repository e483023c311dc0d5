"""The test suite's root conftest: it only loads the harness plugin (tests/harness/plugin.py),
which provides the shared fixtures and the ``--require-postgres`` option. Works with ``pytest``
run bare from the repository root (the README's and CI's command)."""

pytest_plugins = ["tests.harness.plugin"]
