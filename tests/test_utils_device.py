"""utils.device: the choice CUDA > Apple MPS > CPU, and the one line that explains it."""

import torch

from utils.device import describe_device, pick_device


def test_cuda_comes_first(gpus, capsys):
    gpus("cuda", "mps")
    assert pick_device() == torch.device("cuda")
    assert capsys.readouterr().out == "Training on CUDA (Fake GPU 80GB).\n"


def test_apple_mps_comes_next(gpus, capsys):
    gpus("mps")
    assert pick_device() == torch.device("mps")
    assert capsys.readouterr().out == "Training on the Apple GPU (MPS).\n"


def test_the_cpu_is_left_and_the_line_says_why(gpus, capsys):
    gpus()
    assert pick_device() == torch.device("cpu")
    assert capsys.readouterr().out == (
        "Training on the CPU: torch found no CUDA or Apple MPS GPU on this machine.\n"
    )


def test_verbose_false_prints_nothing(gpus, capsys):
    gpus("cuda")
    assert pick_device(verbose=False) == torch.device("cuda")
    assert capsys.readouterr().out == ""


def test_describe_device_takes_names_and_devices(gpus):
    gpus("cuda")
    assert (
        describe_device("cuda:0")
        == describe_device(torch.device("cuda"))
        == "Training on CUDA (Fake GPU 80GB)."
    )


def test_describe_device_says_when_the_cpu_was_chosen_over_a_gpu(gpus):
    gpus("cuda")
    assert (
        describe_device("cpu")
        == "Training on the CPU, although torch found a GPU (pick_device() would use it)."
    )


def test_pick_device_on_this_machine_gives_a_device_torch_can_use(capsys):
    device = pick_device()
    assert torch.ones(2, device=device).sum().item() == 2.0
    assert capsys.readouterr().out == describe_device(device) + "\n"
