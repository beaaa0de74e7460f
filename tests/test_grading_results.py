"""The batch's result files (grading.results) from hostile results: CSV cells a spreadsheet would
run as formulas, terminal escapes and control characters, 50,000 flags, flags and errors that are
not strings. The CSV is read back with csv.reader and every cell checked; the summary keeps its
own line breaks only."""

import csv
import time
from types import SimpleNamespace

import pytest

from grading.results import summarise, write_csv

FORMULAS = ['=HYPERLINK("http://x","click")', "+1", "-1", "@SUM(1)", "\t=1", "\r=1"]
ESCAPES = ["\x1b[2J\x1b[1;1H", "\x1b]0;title\x07", "\r", "\x08"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
BWRAP = SimpleNamespace(kind="bwrap", reason="")
HEADER = ["student", "lesson", "score", "max_score", "perceptron", "sigmoid", "explain-xor",
          "pending", "late_penalty", "submitted", "flagged", "flags", "error", "sandbox"]  # fmt: skip


def _result(**fields) -> dict:
    return {
        "student": "ada",
        "lesson": "01-perceptron",
        "score": 2.0,
        "max_score": 7.0,
        "cells": {
            "perceptron": {"score": 0.0, "points": 3.0, "pending": False, "kind": "test"},
            "sigmoid": {"score": 2.0, "points": 2.0, "pending": False, "kind": "test"},
            "explain-xor": {"score": None, "points": 2.0, "pending": True, "kind": "written"},
        },
        "pending": ["explain-xor"],
        "late_penalty": 0.0,
        "timestamp": None,
        "flags": [],
        "error": "",
        "sandbox": "bwrap",
        "instructor": [],
        **fields,
    }


def _csv(tmp_path, results: list[dict]) -> list[list[str]]:
    path = tmp_path / "grades.csv"
    write_csv(path, results)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADER
    assert all(len(row) == len(HEADER) for row in rows)
    return rows


def _no_formula_anywhere(rows: list[list[str]]) -> None:
    """No cell, nor any flag inside the flags cell, starts as a formula would."""
    for row in rows:
        for cell in [*row, *row[HEADER.index("flags")].split(" | ")]:
            assert not cell.startswith(DANGEROUS_START), (cell, row)


def _printable_lines(text: str) -> list[str]:
    """The lines of a summary, each without a single control character."""
    lines = text.split("\n")
    for line in lines:
        bad = [c for c in line if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F]
        assert not bad, (bad, line)
    return lines


# ------------------------------------------------------------------ the CSV


@pytest.mark.parametrize("formula", FORMULAS, ids=repr)
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(tmp_path, formula):
    hostile = _result(student=formula, flags=[formula, "fine", formula], error=formula)
    rows = _csv(tmp_path, [hostile, _result(student="bob")])
    _no_formula_anywhere(rows)
    student, _, score, max_score, perceptron, sigmoid, written, pending = rows[1][:8]
    flagged, flags, error = rows[1][10:13]
    assert student == error == "'" + formula  # defused, and otherwise as it was
    assert flags == " | ".join(["'" + formula, "fine", "'" + formula]) and flagged == "yes"
    assert [score, max_score, perceptron, sigmoid, written, pending] == [
        "2",
        "7",
        "0",
        "2",
        "pending",
        "explain-xor",
    ]
    assert rows[2][:4] == ["bob", "01-perceptron", "2", "7"]  # scores stay plain numbers


def test_csv_cells_hold_no_terminal_escapes(tmp_path):
    hostile = _result(student="ada" + "".join(ESCAPES), flags=ESCAPES, error="x".join(ESCAPES))
    path = tmp_path / "grades.csv"
    write_csv(path, [hostile])
    text = path.read_text(encoding="utf-8")
    assert not {"\x1b", "\x07", "\x08", "\x9b"} & set(text)
    assert "title" not in text and "[2J" not in text  # whole sequences go, not only the ESC
    _no_formula_anywhere(_csv(tmp_path, [hostile]))


def test_fifty_thousand_flags_are_written_fast_capped_and_counted(tmp_path):
    flags = [f"=flag {n} " + "x" * 50 for n in range(50_000)]
    started = time.perf_counter()
    rows = _csv(tmp_path, [_result(flags=flags)])
    summary = summarise("01-perceptron", [_result(flags=flags)], 1, 1.0, BWRAP)
    assert time.perf_counter() - started < 0.5
    cell = rows[1][HEADER.index("flags")]
    assert len(cell) < 2100 and cell.endswith(" | and 49970 more flags")
    assert cell.startswith("'=flag 0 ")
    _no_formula_anywhere(rows)
    assert summary.count("FLAG:") == 8 and "and 49992 more flags" in summary


def test_flags_and_errors_that_are_not_strings_do_not_crash(tmp_path):
    odd = [1, -2, {"=a": "=b"}, None, list(range(100_000)), 10**5000, "\udcff lone surrogate"]
    results = [
        _result(flags=odd, error={"why": "=1"}, instructor=[None, 7, {"a": 1}]),
        _result(student="bob", flags=None, error=-5, pending=None),
    ]
    rows = _csv(tmp_path, results)
    _no_formula_anywhere(rows)
    assert all(len(cell) <= 2100 for row in rows for cell in row)
    assert rows[1][HEADER.index("flags")].split(" | ")[:4] == ["1", "'-2", "{'=a': '=b'}", "None"]
    assert rows[2][HEADER.index("error")] == "'-5"
    summary = summarise("01-perceptron", results, 2, 1.0, BWRAP)
    assert all(len(line) < 400 for line in _printable_lines(summary))
    assert "ERROR: {'why': '=1'}" in summary and "ERROR: -5" in summary


# ------------------------------------------------------------------ the summary


def test_the_summary_strips_escapes_and_keeps_its_own_line_breaks_only(tmp_path):
    results = [
        _result(student="ada\x1b[2J\x1b[1;1H\r\x08", flags=[*ESCAPES, "fine\rFAKE 7/7\nbob: 7/7"],
                instructor=["Traceback\n  ...\nValueError: \x1b]0;title\x07boom\x9b2J"]),
        _result(student="bob", error="\x1b[31mred\x1b[0m\r\nnext line"),
    ]  # fmt: skip
    how = SimpleNamespace(kind="fallback", reason="no bwrap\x1b[2J")
    lines = _printable_lines(summarise("01-perceptron", results, 2, 1.0, how))
    assert len(lines) == 2 + 1 + 5 + 1 + 1 + 1  # header, warning, ada + flags + note, bob, ""
    assert lines[1] == "!!!!!!!! WARNING: NO SANDBOX (no bwrap); rlimits and a scratch folder only"
    assert lines[2] == "  ada : 2/7  [to mark: explain-xor]"
    assert lines[7] == "      FLAG: fine FAKE 7/7 bob: 7/7"
    assert lines[8] == "      grader: ValueError: boom"
    assert lines[9] == "  bob: ERROR: red next line"


def test_the_summary_cuts_every_untrusted_string(tmp_path):
    huge = "y" * 1_000_000
    results = [_result(student="a" * 100_000, flags=[huge] * 3, error="", instructor=[huge])]
    results.append(_result(student="bob", error=huge))
    lines = _printable_lines(summarise("01-perceptron", results, 2, 1.0, BWRAP))
    assert max(len(line) for line in lines) < 400
    assert any(line.endswith("y…") for line in lines)
