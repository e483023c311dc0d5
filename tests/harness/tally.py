"""What the hostile-input and fault suites tried and what came of it, printed at the end of the run.

Tests marked ``hostile`` record each input they try (``HOSTILE.tried`` / ``HOSTILE.failed``);
tests marked ``faults`` record each fault they inject and what the platform and the store show
afterwards (``FAULTS``). The plugin prints both tallies in pytest's terminal summary, so CI's log
says how many inputs and faults were tried and that none was lost, duplicated or crashed.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HostileTally:
    inputs: int = 0
    clean: int = 0
    failures: list[str] = field(default_factory=list)

    def tried(self, count: int = 1) -> None:
        """``count`` inputs gave a clean outcome (a clear refusal or a bounded, harmless answer)."""
        self.inputs += count
        self.clean += count

    def failed(self, what: str) -> None:
        """One input gave a traceback, a hang, a ping, a live forged link, an exceeded limit, a wrong
        refusal or an echoed secret (the test asserts on it too)."""
        self.inputs += 1
        self.failures.append(what)

    def line(self) -> str:
        return f"hostile suite: {self.inputs} inputs tried, {self.clean} clean outcomes, {len(self.failures)} failures"


@dataclass
class FaultTally:
    faults: int = 0
    posts_expected: int = 0
    posts_sent: int = 0
    posts_lost: int = 0
    posts_duplicated: int = 0
    reactions_sent: int = 0
    reactions_stored: int = 0
    crashes: list[str] = field(default_factory=list)

    def injected(self, count: int = 1) -> None:
        self.faults += count

    def posts(self, *, expected: int, sent: int, duplicated: int = 0) -> None:
        """After a scenario: how many posts should have gone out, how many did (distinct), how many twice."""
        self.posts_expected += expected
        self.posts_sent += sent
        self.posts_lost += max(0, expected - sent)
        self.posts_duplicated += duplicated

    def reactions(self, *, sent: int, stored: int) -> None:
        self.reactions_sent += sent
        self.reactions_stored += stored

    def line(self) -> str:
        return (f"fault suite: {self.faults} faults injected; posts expected {self.posts_expected}, sent "
                f"{self.posts_sent}, lost {self.posts_lost}, duplicated {self.posts_duplicated}; reactions sent "
                f"{self.reactions_sent}, stored {self.reactions_stored}; crashes or hangs {len(self.crashes)}")


HOSTILE = HostileTally()
FAULTS = FaultTally()
