from conftest import assert_usage_error, lrsched


def test_step_prints_the_tutorial_table() -> None:
    result = lrsched("step", "--lr", "0.1", "--step-size", "10")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 30
    assert lines[0] == "Epoch 1, Learning Rate: 0.100000"
    assert lines[10] == "Epoch 11, Learning Rate: 0.010000"
    assert lines[29] == "Epoch 30, Learning Rate: 0.001000"


def test_zero_step_size_is_a_usage_error() -> None:
    assert_usage_error(lrsched("step", "--lr", "0.1", "--step-size", "0"), "'--step-size'", "got 0")
