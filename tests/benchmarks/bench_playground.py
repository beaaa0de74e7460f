"""Playground frame rate (issue 6): train one epoch and redraw, 2-8-8-1 on 500 points, 100x100 boundary."""

from __future__ import annotations

import time

Row = tuple[str, str, str]


def _frames_per_second(frames: int = 60, **settings: object) -> tuple[float, float, float]:
    """Frames per second of step() (train + redraw), and milliseconds of training and of drawing."""
    from utils.playground import Playground

    p = Playground(**settings)
    p.step(3)  # warm up
    start = time.perf_counter()
    for _ in range(frames):
        p.step()
    fps = frames / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(frames):
        p._train_epoch()
    train_ms = 1000 * (time.perf_counter() - start) / frames
    start = time.perf_counter()
    for _ in range(frames):
        p._render()
    draw_ms = 1000 * (time.perf_counter() - start) / frames
    return fps, train_ms, draw_ms


def playground_fps() -> list[Row]:
    """The issue's case (spiral, 2-8-8-1, 500 points, batch 10, 100x100 boundary), and projector size."""
    from utils import style

    rows = []
    for projector in (False, True):
        style.projector_mode(projector)
        try:
            fps, train_ms, draw_ms = _frames_per_second(dataset="spiral", hidden=(8, 8), n=500)
        finally:
            style.projector_mode(False)
        size = "500x500 px projector" if projector else "300x300 px"
        rows.append(
            (
                f"playground frame (1 epoch of 250 points in batches of 10 + redraw), 2-8-8-1,"
                f" 100x100 boundary drawn {size}, in Python without a browser"
                f" ({train_ms:.1f} ms training, {draw_ms:.1f} ms drawing)",
                f"{fps:.0f} frames/s",
                "≥ 15 frames/s",
            )
        )
    return rows


BENCHMARKS = [playground_fps]

if __name__ == "__main__":
    for row in playground_fps():
        print(" | ".join(row))
