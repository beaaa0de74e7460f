"""What the sandbox reports is validated before use (grading/README.md, rule 1), and the grader's
side of a proxy call: only the names the step swaps, arguments fitted to the reference."""

import numpy as np
import pytest

from grading import evidence, judge
from grading.sandbox import ProtocolError

GOOD_RUN = {"status": "ok", "outputs": [{"output_type": "stream", "name": "stdout", "text": "hi"}],
            "error": None, "flags": ["tried to use the network (socket.connect)"]}  # fmt: skip


def test_a_well_formed_reply_passes_unchanged():
    assert evidence.run_reply(GOOD_RUN) == GOOD_RUN


@pytest.mark.parametrize(
    "change",
    [
        {"status": "passed"},  # not a status a cell can have
        {"outputs": "all fine"},
        {"outputs": [{"output_type": "stream", "name": "stdin", "text": ""}]},
        {"outputs": [{"output_type": "display_data", "data": ["image/png"]}]},
        {"error": "an error as a string"},
        {"flags": "one flag"},
        {"flags": [{"not": "a string"}]},
        {"flags": [7]},
    ],
)
def test_a_reply_that_does_not_fit_is_a_protocol_error(change):
    with pytest.raises(ProtocolError):
        evidence.run_reply({**GOOD_RUN, **change})


def test_flags_are_capped_one_line_each_and_free_of_control_characters():
    flags = evidence.flags({"flags": ["\x1b[2Jwiped\r\n" + "x" * 1000] * 50_000})
    assert len(flags) == evidence.MAX_FLAGS
    assert all(len(f) <= evidence.MAX_FLAG and "\x1b" not in f and "\n" not in f for f in flags)


def test_outputs_are_capped_in_number_and_size():
    huge = {"output_type": "stream", "name": "stdout", "text": "y" * 10**6}
    run = evidence.run_reply({**GOOD_RUN, "outputs": [huge] * 100})
    assert len(run["outputs"]) == evidence.MAX_OUTPUTS
    assert len(run["outputs"][0]["text"]) == evidence.MAX_TEXT


def test_a_call_reply_needs_a_real_bool():
    assert evidence.call_reply({"ok": True, "value": 3}) == (True, 3, "")
    with pytest.raises(ProtocolError):
        evidence.call_reply({"ok": 1, "value": 3})


def _plan():
    def _reference_step(z):
        return (np.asarray(z) >= 0).astype(np.int64)

    return judge.CellPlan("t", [], {"_reference_step": _reference_step}, [])


def test_a_proxy_answers_only_the_names_its_step_swaps():
    serve = judge.proxy_server(_plan(), {"step": "_reference_step"}, 5)
    answer = serve({"ref": "step", "args": [np.array([-1.0, 2.0])], "kwargs": {}})
    assert answer["ok"] and answer["value"].tolist() == [0, 1]
    assert not serve({"ref": "sigmoid", "args": [], "kwargs": {}})["ok"]
    assert not serve({"ref": ["step"], "args": [], "kwargs": {}})["ok"]
    assert not serve({"ref": "step", "args": "zz", "kwargs": {}})["ok"]


def test_a_proxy_drops_an_extra_optional_argument_the_reference_does_not_take():
    """Rule 10: a student's helper with an extra keyword loses nothing when it is answered."""
    serve = judge.proxy_server(_plan(), {"step": "_reference_step"}, 5)
    answer = serve({"ref": "step", "args": [np.zeros(2), True], "kwargs": {"strict": False}})
    assert answer["ok"] and answer["value"].tolist() == [1, 1]


def test_a_reference_that_runs_too_long_on_hostile_inputs_is_stopped():
    def _reference_slow(n):
        while True:
            pass

    plan = judge.CellPlan("t", [], {"_reference_slow": _reference_slow}, [])
    answer = judge.proxy_server(plan, {"slow": "_reference_slow"}, 0.2)(
        {"ref": "slow", "args": [1], "kwargs": {}}
    )
    assert not answer["ok"] and "TooLong" in answer["error"]


def test_could_not_be_checked_names_the_exception_and_its_message():
    def _judge(x, got):
        return got["w"]  # a judge that expects a dict

    call = judge.Call("f", (1,), "f (case 1)", {}, judge=_judge)
    verdict = judge.judge_answer(call, True, [1, 2], "")
    assert "could not be checked" in verdict and "TypeError" in verdict and "indices" in verdict
