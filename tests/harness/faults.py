"""Simulated crashes: ``Crash`` is a BaseException that nothing in the bot catches, so raising it at
a stage stops the work there like a kill; the test then builds a new scheduler on a new store
connection (a "restart")."""
from __future__ import annotations


class Crash(BaseException):
    pass
