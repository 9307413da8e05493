"""The conformance matrix: operations x aspects, from the outcomes of contract tests.

The JSON report (``--ecr-report-json``) is the documented, versioned form; the terminal
summary, the HTML page and ``pytest-ecr compare`` are all rendered from it.

Report format, version 1::

    {
      "format": "pytest-ecr-report", "version": 1,
      "target": "moto", "label": "moto", "outcomes_of": "moto",
      "endpoint": null, "region": "us-east-1",
      "botocore": "1.44.5", "pytest_ecr": "0.1.0", "created": "2026-11-23T09:00:00+00:00",
      "summary": {"pass": 81, "fail": 0, ..., "score": 0.25,
                  "reference": {"pass": 40, "fail": 2, ..., "score": 0.95}},
      "operations": {"PutImage": {"score": 0.18,
                                  "aspects": {"errors": {"outcome": "deviation",
                                                         "counts": {"pass": 1, ...}}}}},
      "tests": [{"nodeid": "...", "operation": "PutImage", "aspect": "errors",
                 "outcome": "deviation", "reason": "...",
                 "violations": [{"path": "$.__type", "expected": "...", "actual": "...",
                                 "message": "..."}],
                 "request": {"operation": "PutImage", "body": {...}, "status": 200,
                             "response": "..."}}]
    }

Outcomes: pass, fail, deviation (a known deviation), unsupported, skipped, error.

With ``--ecr-reference`` the report also has a ``reference`` section (what it was
compared with, stale operations and stale known deviations), and one test entry per
test and operation compared, ``"aspect": "reference"``, whose ``violations`` are the
differences (``layer``, ``path``, ``expected`` = the reference's value, ``actual`` =
the live one; ``known`` and ``reason`` when a known deviation covers it). A stale
reference (the operation's model changed since it was recorded) is ``skipped``.
The score counts the contract tests only; ``summary.reference`` counts comparisons.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .jsonfiles import FileFormatError, load
from .terms import ASPECTS, OUTCOMES

REPORT = "pytest-ecr-report"
VERSION = 1

_SYMBOL = {
    "pass": "ok",
    "fail": "FAIL",
    "unconfirmed": "unconf",
    "blocked": "block",
    "deviation": "dev",
    "unsupported": "unsup",
    "skipped": "skip",
    "error": "ERR",
}


class ReportError(FileFormatError):
    """A report file that cannot be read; the message names the file."""


def load_report(path: Path) -> dict[str, Any]:
    try:
        return load(path, REPORT, version=VERSION)
    except FileFormatError as exc:
        raise ReportError(str(exc)) from None


def write_json(path: Path, report: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n", "utf-8")


# -- terminal ----------------------------------------------------------------------


def _cell(cell: Mapping[str, Any] | None) -> str:
    if not cell:
        return "."
    counts: Mapping[str, int] = cell["counts"]
    total = sum(counts.values())
    outcome = cell["outcome"]
    if outcome == "pass":
        return f"ok {total}"
    if counts[outcome] == total:
        return f"{_SYMBOL[outcome]} {total}"  # every test of the cell
    return f"{_SYMBOL[outcome]} {counts[outcome]}/{total}"


def _percent(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}%}"


#: The terminal matrix fits this many columns.
WIDTH = 100
#: Column heads of the terminal matrix, where an aspect's name is longer than its cells.
_HEADS = {"validation": "validate", "pagination": "paginate"}


def render_terminal(report: Mapping[str, Any], width: int = WIDTH) -> list[str]:
    """The matrix in at most ``width`` columns: every cell as wide as the widest, and
    operation names shortened (with ``~``) only where the aspects leave them no room."""
    operations: Mapping[str, Any] = report["operations"]
    aspects = [a for a in ASPECTS if any(a in op["aspects"] for op in operations.values())]
    cells = {
        (name, a): _cell(op["aspects"].get(a)) for name, op in operations.items() for a in aspects
    }
    heads = {a: _HEADS.get(a, a) for a in aspects}
    col = max([*(len(h) for h in heads.values()), *(len(c) for c in cells.values()), 2])
    score = len("score")
    room = width - (len(aspects) * (col + 1)) - score - 1
    names = max([len("operation"), *(len(op) for op in operations)])
    name_width = max(len("operation"), min(names, room))
    lines = [f"target: {_label(report)}"]
    head = ["operation".ljust(name_width), *(heads[a].ljust(col) for a in aspects), "score"]
    lines.append(" ".join(head))
    for name, op in operations.items():
        shown = name if len(name) <= name_width else name[: name_width - 1] + "~"
        row = [shown.ljust(name_width), *(cells[(name, a)].ljust(col) for a in aspects)]
        lines.append(" ".join([*row, _percent(op["score"])]).rstrip())
    summary = report["summary"]
    counts = "".join(f", {summary[o]} {o}" for o in OUTCOMES if summary.get(o))
    lines.append(
        f"{len(operations)} operation{'' if len(operations) == 1 else 's'}{counts}; "
        f"conformance {_percent(summary['score'], 1)}"
    )
    evidence = evidence_line(summary)
    if evidence:
        lines.append(evidence)
    compared = summary.get("reference")
    if compared:
        counts = ", ".join(f"{compared[o]} {o}" for o in OUTCOMES if compared.get(o))
        lines.append(
            f"reference comparisons (test x operation): {counts}; agreement "
            f"{_percent(compared['score'], 1)}"
        )
    return lines


def evidence_line(summary: Mapping[str, Any]) -> str:
    """How sure the failures are: per evidence tier, failures of the tests resting on it
    (``inferred`` failures are the unconfirmed ones)."""
    evidence: Mapping[str, Mapping[str, int]] = summary.get("evidence") or {}
    if not evidence:
        return ""
    parts = [
        f"{tier} {entry['failures']}/{entry['tests']}"
        for tier, entry in evidence.items()
        if entry.get("tests")
    ]
    return "failures by evidence (failed/tests): " + ", ".join(parts) if parts else ""


def _label(report: Mapping[str, Any]) -> str:
    return str(report.get("label") or report["target"])


def _compare_rows(reports: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """(operation, one label per report) rows, then ("overall", scores)."""
    rows: list[tuple[str, list[str]]] = []
    for op in sorted({op for r in reports for op in r["operations"]}):
        labels = []
        for r in reports:
            entry = r["operations"].get(op)
            if entry is None:
                labels.append("-")
            elif all(
                c["outcome"] == "unsupported"
                for aspect, c in entry["aspects"].items()
                if aspect != "reference"
            ):
                labels.append("unsupported")
            else:
                labels.append(_percent(entry["score"]))
        rows.append((op, labels))
    rows.append(("overall", [_percent(r["summary"]["score"], 1) for r in reports]))
    return rows


def compare_terminal(reports: Sequence[Mapping[str, Any]]) -> list[str]:
    """Several reports side by side: one column per report, the score of each operation."""
    names = [_label(r) for r in reports]
    rows = _compare_rows(reports)
    width = max(len(op) for op, _ in [("operation", []), *rows])
    col = max([12, *(len(n) for n in names)])
    lines = ["  ".join(["operation".ljust(width), *(n.ljust(col) for n in names)]).rstrip()]
    for op, labels in rows:
        lines.append("  ".join([op.ljust(width), *(label.ljust(col) for label in labels)]).rstrip())
    return lines


# -- HTML ---------------------------------------------------------------------------

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
th{background:#f4f4f4;text-align:left}.pass{background:#e6f4e6}.fail,.error{background:#fbe3e3}
.deviation{background:#fff3d6}.unsupported{background:#eee;color:#666}.skipped{color:#888}
.unconfirmed{background:#f3e8fb}.blocked{background:#eef;color:#555}
#matrix{table-layout:fixed;width:100%}#matrix th:first-child{width:16em}
#matrix td{overflow-wrap:anywhere}#matrix pre,#matrix code{white-space:pre-wrap;
overflow-wrap:anywhere}#matrix table{width:100%}
#legend td,#legend th{font-size:12px}.differs{outline:2px solid #c00;font-weight:bold}
details{margin:2px 0}summary{cursor:pointer}code,pre{font:12px ui-monospace,monospace}
pre{white-space:pre-wrap;max-width:60em;background:#fafafa;padding:4px}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _failure_details(tests: Iterable[Mapping[str, Any]]) -> str:
    parts = []
    for test in tests:
        if test["outcome"] == "pass":
            continue
        # A list, not a table: it wraps inside a narrow cell.
        rows = "".join(
            f"<li><code>{_e(v.get('path'))}</code>: {_e(v.get('message'))} (expected "
            f"{_e(v.get('expected'))}, got <code>{_e(v.get('actual'))}</code>)</li>"
            for v in test.get("violations", [])
        )
        table = f"<ul class='violations'>{rows}</ul>" if rows else ""
        request = test.get("request")
        req = f"<pre>{_e(json.dumps(request, indent=1, default=str))}</pre>" if request else ""
        evidence = test.get("evidence") or {}
        tier = (
            f"<p class='evidence'>evidence: {_e(evidence.get('tier'))}"
            f"{' · ' + _e(evidence['source']) if evidence.get('source') else ''}</p>"
            if evidence
            else ""
        )
        parts.append(
            f"<details class='test'><summary>{_e(test['outcome'])}: {_e(test['nodeid'])}"
            f"</summary><p>{_e(test.get('reason', ''))}</p>{tier}{table}{req}</details>"
        )
    return "".join(parts)


#: What the cells and the evidence tiers mean (the HTML pages' legend).
LEGEND = (
    "<h2>Legend</h2><table id='legend'>"
    "<tr><td class='pass'>ok N</td><td>every test of the cell passed</td></tr>"
    "<tr><td class='fail'>FAIL k/N</td><td>k tests found the target unlike AWS, on evidence "
    "(aws-verified, documented or model)</td></tr>"
    "<tr><td class='unconfirmed'>unconf k/N</td><td>k tests whose expectation rests on "
    "reasoning alone (inferred) failed: a lead to check against AWS, not a verdict</td></tr>"
    "<tr><td class='deviation'>dev k/N</td><td>k known deviations of this target happened, "
    "as listed</td></tr>"
    "<tr><td class='blocked'>block k/N</td><td>a prerequisite (an image push, a set-up call) "
    "failed at another operation: no verdict on this one</td></tr>"
    "<tr><td class='unsupported'>unsup k/N</td><td>the target does not implement the "
    "operation</td></tr>"
    "<tr><td class='skipped'>skip k/N</td><td>skipped, with the reason in the details</td></tr>"
    "<tr><td class='error'>ERR k/N</td><td>a bug of the suite or its set-up, not of the "
    "target</td></tr>"
    "<tr><th colspan='2'>Evidence tiers: aws-verified (real AWS output seen in public), "
    "documented (AWS documentation), model (botocore's model alone), inferred (reasoning); "
    "docs/evidence.md lists each test's source.</th></tr></table>"
)


def render_html(report: Mapping[str, Any]) -> str:
    operations: Mapping[str, Any] = report["operations"]
    aspects = [a for a in ASPECTS if any(a in op["aspects"] for op in operations.values())]
    tests_by_cell: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for test in report["tests"]:
        tests_by_cell[(test["operation"], test["aspect"])].append(test)
    rows = []
    for name, op in operations.items():
        cells = []
        for aspect in aspects:
            cell = op["aspects"].get(aspect)
            if not cell:
                cells.append("<td></td>")
                continue
            details = _failure_details(tests_by_cell[(name, aspect)])
            label = _e(_cell(cell))
            # The table's layout is fixed: opened details wrap inside their cell, and no
            # column is pushed off screen.
            body = (
                f"<details><summary>{label}</summary><div class='cell'>{details}</div></details>"
                if details
                else label
            )
            cells.append(
                f"<td class='{_e(cell['outcome'])}' data-aspect='{_e(aspect)}'>{body}</td>"
            )
        rows.append(
            f"<tr data-operation='{_e(name)}'><th>{_e(name)}</th>{''.join(cells)}"
            f"<td class='score'>{_e(_percent(op['score']))}</td></tr>"
        )
    summary = report["summary"]
    counts = ", ".join(f"{summary[o]} {o}" for o in OUTCOMES if summary.get(o))
    meta = " · ".join(
        f"{k}: {_e(report.get(k))}" for k in ("target", "endpoint", "region", "botocore", "created")
    )
    head = "".join(f"<th>{_e(a)}</th>" for a in aspects)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>ECR conformance: {_e(_label(report))}</title><style>{_STYLE}</style></head>"
        f"<body><h1>ECR conformance: {_e(_label(report))}</h1><p>{meta}</p>"
        f"<p id='summary' data-score='{_e(summary['score'])}'>{_e(counts)}; conformance "
        f"{_e(_percent(summary['score'], 1))}</p>"
        f"<p id='evidence'>{_e(evidence_line(summary))}</p>"
        f"<table id='matrix'><tr><th>operation</th>{head}<th>score</th></tr>{''.join(rows)}"
        f"</table>{LEGEND}</body></html>\n"
    )


def reference_rows(
    reports: Sequence[Mapping[str, Any]],
) -> list[tuple[tuple[str, str, str], str, list[str]]]:
    """Differences from a reference, side by side: for each place (test, layer and what,
    path) where some report differs, the reference's value and each report's live value
    (``=`` where that report agrees with the reference, ``-`` where it did not compare)."""
    places: dict[tuple[str, str, str], dict[int, Mapping[str, Any]]] = {}
    compared: list[set[str]] = []
    for n, report in enumerate(reports):
        tests = [t for t in report.get("tests", []) if t.get("aspect") == "reference"]
        compared.append({t["nodeid"] for t in tests})
        for test in tests:
            for v in test.get("violations", []):
                where = f"call {v.get('call', '?')} {v.get('path', '')}"
                key = (test["nodeid"], str(v.get("message", "")), where)
                places.setdefault(key, {})[n] = v
    rows = []
    for key in sorted(places):
        found = places[key]
        reference = next(iter(found.values())).get("expected", "")
        cells = []
        for n in range(len(reports)):
            v = found.get(n)
            if v is not None:
                cells.append(str(v.get("actual")) + (" (known)" if v.get("known") else ""))
            else:
                cells.append("=" if key[0] in compared[n] else "-")
        rows.append((key, str(reference), cells))
    return rows


def compare_reference_terminal(reports: Sequence[Mapping[str, Any]]) -> list[str]:
    rows = reference_rows(reports)
    if not rows:
        return []
    names = [_label(r) for r in reports]
    lines = [f"differences from the reference ({len(rows)}): reference | " + " | ".join(names)]
    for (nodeid, what, where), reference, cells in rows:
        lines.append(f"{nodeid} {where}: {what}")
        lines.append(f"    {reference} | " + " | ".join(cells))
    return lines


def compare_html(reports: Sequence[Mapping[str, Any]]) -> str:
    names = [_label(r) for r in reports]
    head = "".join(f"<th>{_e(n)}</th>" for n in ["operation", *names])
    rows = "".join(
        f"<tr><th>{_e(op)}</th>"
        + "".join(
            # A cell that is not what the other reports say is marked: where targets differ.
            f"<td class='differs'>{_e(label)}</td>"
            if len(set(labels)) > 1
            else f"<td>{_e(label)}</td>"
            for label in labels
        )
        + "</tr>"
        for op, labels in _compare_rows(reports)
    )
    differences = reference_rows(reports)
    diff_table = ""
    if differences:
        diff_head = "".join(
            f"<th>{_e(n)}</th>" for n in ["test", "where", "what", "reference", *names]
        )
        diff_rows = "".join(
            f"<tr><td><code>{_e(nodeid)}</code></td><td><code>{_e(where)}</code></td>"
            f"<td>{_e(what)}</td><td><code>{_e(reference)}</code></td>"
            + "".join(f"<td><code>{_e(c)}</code></td>" for c in cells)
            + "</tr>"
            for (nodeid, what, where), reference, cells in differences
        )
        diff_table = (
            "<h2>Differences from the reference</h2>"
            f"<table id='reference'><tr>{diff_head}</tr>{diff_rows}</table>"
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>ECR conformance compared"
        f"</title><style>{_STYLE}</style></head><body><h1>ECR conformance compared</h1>"
        f"<table id='compare'><tr>{head}</tr>{rows}</table>{diff_table}"
        "<p>Cells outlined in red: the reports differ on that operation.</p></body></html>\n"
    )
