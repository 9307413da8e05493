"""The conformance matrix: operations x aspects, from the outcomes of contract tests."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

from .contract import ASPECTS

Outcome = Literal["pass", "fail", "deviation", "unsupported", "skipped", "error"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)

#: How a cell with several tests is summarised: the worst outcome wins.
_SEVERITY = {"error": 0, "fail": 1, "deviation": 2, "unsupported": 3, "skipped": 4, "pass": 5}
_SYMBOL = {
    "pass": "ok",
    "fail": "FAIL",
    "deviation": "dev",
    "unsupported": "unsup",
    "skipped": "skip",
    "error": "ERR",
}


@dataclass(frozen=True)
class Result:
    nodeid: str
    operation: str
    aspect: str
    outcome: Outcome
    reason: str = ""


@dataclass
class Matrix:
    results: list[Result] = field(default_factory=list)

    def add(self, result: Result) -> None:
        self.results.append(result)

    def cells(self) -> dict[str, dict[str, Counter[str]]]:
        table: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        for r in self.results:
            table[r.operation][r.aspect][r.outcome] += 1
        return table

    def totals(self) -> Counter[str]:
        return Counter(r.outcome for r in self.results)

    def score(self, results: Iterable[Result] | None = None) -> float | None:
        """Passed / (passed + failed + errors + unsupported); skipped tests do not count."""
        counted = [
            r for r in (self.results if results is None else results) if r.outcome != "skipped"
        ]
        if not counted:
            return None
        return sum(r.outcome == "pass" for r in counted) / len(counted)

    def render_terminal(self, *, title: str) -> list[str]:
        cells = self.cells()
        aspects = [a for a in ASPECTS if any(a in row for row in cells.values())]
        width = max([len("operation"), *(len(op) for op in cells)])
        col = max(8, *(len(a) for a in aspects)) if aspects else 8
        lines = [title]
        lines.append(
            "  ".join(["operation".ljust(width), *(a.ljust(col) for a in aspects), "score"])
        )
        for op in sorted(cells):
            row = [op.ljust(width)]
            for aspect in aspects:
                counts = cells[op].get(aspect)
                row.append(_cell(counts).ljust(col))
            op_score = self.score([r for r in self.results if r.operation == op])
            row.append("-" if op_score is None else f"{op_score:.0%}")
            lines.append("  ".join(row).rstrip())
        totals = self.totals()
        overall = self.score()
        summary = ", ".join(f"{totals[o]} {o}" for o in OUTCOMES if totals[o])
        lines.append(
            f"{len(cells)} operations, {summary}; conformance "
            f"{'-' if overall is None else f'{overall:.1%}'}"
        )
        return lines


def _cell(counts: Counter[str] | None) -> str:
    if not counts:
        return "."
    worst = min(counts, key=lambda o: _SEVERITY[o])
    total = sum(counts.values())
    if worst == "pass":
        return f"ok {total}"
    return f"{_SYMBOL[worst]} {counts[worst]}/{total}"
