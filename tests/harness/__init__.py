"""The test harness: the one place for the fakes, builders, waiting helpers and fixtures the tests share.

Test modules import from here (never from a conftest or another test module;
``tests/test_harness_layout.py`` checks it). ``tests/conftest.py`` loads ``tests.harness.plugin``,
which provides the shared fixtures and the ``--require-postgres`` option.
"""
