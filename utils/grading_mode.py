"""Grading mode: set in the grader's sandbox so that a lesson's training cells take seconds.

The grader runs every cell of a submission, the lesson's training cells included, though no
score depends on them: a test cell scores only the hidden calls on the grader's own inputs. With
NN_WORKBOOK_GRADING set (to anything but "" or "0"), load_mnist gives only the first IMAGES of a
split and training.fit trains on FIT_BATCHES batches of each epoch, and each says so in the
cell's output. Unset, as on every student's machine, nothing changes.
"""

from __future__ import annotations

import os

GRADING_ENV = "NN_WORKBOOK_GRADING"
IMAGES = {"train": 2_000, "test": 1_000}  # MNIST images per split in grading mode
FIT_BATCHES = 5  # batches per epoch that training.fit trains on in grading mode


def grading() -> bool:
    """Whether this process runs in the grader's sandbox (grading mode)."""
    return os.environ.get(GRADING_ENV, "").strip() not in ("", "0")
