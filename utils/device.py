"""Where torch computes: a CUDA GPU, an Apple GPU (MPS) or the CPU (torch is imported when used)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def _gpu_found() -> bool:
    """Whether torch sees a CUDA or Apple MPS GPU."""
    import torch

    return torch.cuda.is_available() or torch.backends.mps.is_available()


def describe_device(device: torch.device | str) -> str:
    """One line saying which device trains, e.g. 'Training on CUDA (NVIDIA H100 80GB HBM3).'."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return f"Training on CUDA ({torch.cuda.get_device_name(device)})."
    if device.type == "mps":
        return "Training on the Apple GPU (MPS)."
    if device.type == "cpu" and _gpu_found():
        return "Training on the CPU, although torch found a GPU (pick_device() would use it)."
    if device.type == "cpu":
        return "Training on the CPU: torch found no CUDA or Apple MPS GPU on this machine."
    return f"Training on {device}."


def pick_device(verbose: bool = True) -> torch.device:
    """The fastest device here: CUDA, then Apple MPS, then the CPU; prints which unless verbose=False."""
    import torch

    if torch.cuda.is_available():
        device = torch.device("cuda")
    elif torch.backends.mps.is_available():
        device = torch.device("mps")
    else:
        device = torch.device("cpu")
    if verbose:
        print(describe_device(device))
    return device
