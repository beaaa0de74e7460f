"""Playground frame cost (issues 6 and 12): one epoch of training and a redraw, 2-8-8-1 on 500
points, 100x100 boundary, in Python without a browser."""

from __future__ import annotations

import time

Row = tuple[str, str, str]


def _milliseconds(call: object, times: int) -> float:
    """Mean CPU milliseconds of call() over times calls (CPU time: the cost, however busy the
    machine is)."""
    start = time.process_time()
    for _ in range(times):
        call()
    return 1000 * (time.process_time() - start) / times


def _frame_costs(frames: int = 60, **settings: object) -> tuple[float, float, float, float]:
    """Frames per second of step() (train + full redraw), and milliseconds of an epoch of
    training, of a playing frame's redraw (boundary and epoch) and of a full redraw."""
    from utils.playground import Playground

    p = Playground(**settings)
    p.step(3)  # warm up
    fps = 1000 / _milliseconds(p.step, frames)
    full_ms = _milliseconds(p.draw, frames)
    frame_ms = _milliseconds(lambda: p.draw(full=False), frames)
    train_ms = (_milliseconds(lambda: p.step(frames), 1) - full_ms) / frames  # one full redraw
    return fps, train_ms, frame_ms, full_ms


def playground_fps() -> list[Row]:
    """The issue's case (spirals, 2-8-8-1, 500 points, batch 10, 100x100 boundary), normal and
    projector size."""
    from utils import style

    rows = []
    for projector in (False, True):
        style.projector_mode(projector)
        try:
            fps, train_ms, frame_ms, full_ms = _frame_costs(dataset="spirals", hidden=(8, 8), n=500)
        finally:
            style.projector_mode(False)
        size = "projector, still picture 800x800 px" if projector else "still picture 500x500 px"
        rows.append(
            (
                f"playground step() (1 epoch of 250 points in batches of 10 + full redraw), 2-8-8-1,"
                f" boundary sent as a 100x100 px heatmap ({size}), in Python without a browser, CPU time ({train_ms:.1f} ms"
                f" training; redraw {frame_ms:.1f} ms while playing, {full_ms:.1f} ms in full)",
                f"{fps:.0f} frames/s; playing {1000 / (train_ms + frame_ms):.0f} frames/s",
                "≥ 30 frames/s playing",
            )
        )
    return rows


BENCHMARKS = [playground_fps]

if __name__ == "__main__":
    for row in playground_fps():
        print(" | ".join(row))
