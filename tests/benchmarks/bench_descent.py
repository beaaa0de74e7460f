"""Lesson 03's learning-rate explorer: how long one slider move takes (recompute and redraw)."""

from __future__ import annotations

import statistics
import time

Row = tuple[str, str, str]


def learning_rate_slider() -> list[Row]:
    """Median milliseconds per learning-rate slider move, normal and projector size."""
    import numpy as np

    from utils import explorers, style

    rows = []
    for projector in (False, True):
        style.projector_mode(projector)
        try:
            explorer = explorers.learning_rate_explorer()
            slider = explorer.controls["lr"]
            times = []
            for lr in np.geomspace(0.003, 0.6, 20):
                start = time.perf_counter()
                slider.value = float(lr)
                times.append(time.perf_counter() - start)
        finally:
            style.projector_mode(False)
        size = "projector size" if projector else "normal size"
        rows.append(
            (
                f"lesson 03 learning-rate explorer: one slider move (25 steps, contour + loss"
                f" panel redrawn, PNG encoded), {size}, in Python without a browser",
                f"{1000 * statistics.median(times):.0f} ms",
                "< 100 ms",
            )
        )
    return rows


BENCHMARKS = [learning_rate_slider]

if __name__ == "__main__":
    for row in learning_rate_slider():
        print(" | ".join(row))
