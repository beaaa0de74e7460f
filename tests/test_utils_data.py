"""utils.data: shapes, labels, determinism, bad input, and the admissions story of lesson 01."""

import numpy as np
import pytest

from utils import data

GENERATORS = {"admissions": data.admissions} | {
    name: getattr(data, name) for name in data.TOY_DATASETS
}


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS)
def test_returns_n_float_points_and_int_labels_0_and_1(make):
    X, y = make(n=51)
    assert X.shape == (51, 2) and X.dtype == np.float64
    assert y.shape == (51,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS)
def test_the_same_seed_gives_the_same_arrays_and_another_seed_others(make):
    X, y = make()
    X_again, y_again = make(seed=0)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.array_equal(X, make(seed=1)[0])


@pytest.mark.parametrize("name", data.TOY_DATASETS)
def test_noise_moves_the_points_of_toy_data_sets(name):
    X_calm, y_calm = data.toy(name, noise=0.0)
    X_noisy, y_noisy = data.toy(name, noise=0.5)
    assert not np.allclose(X_calm, X_noisy)
    np.testing.assert_array_equal(y_calm, y_noisy)


def test_noise_flips_some_admissions_decisions_but_keeps_the_applicants():
    X_calm, y_calm = data.admissions(noise=0.0)
    X_noisy, y_noisy = data.admissions(noise=3.0)
    np.testing.assert_array_equal(X_calm, X_noisy)
    assert 0 < np.sum(y_calm != y_noisy) < 30


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS)
@pytest.mark.parametrize("n", [0, -3, 2.5, "100", True, None])
def test_n_must_be_a_positive_int(make, n):
    with pytest.raises(ValueError, match="n must be a positive int"):
        make(n=n)


@pytest.mark.parametrize("make", GENERATORS.values(), ids=GENERATORS)
@pytest.mark.parametrize("noise", [-0.1, float("nan"), "0.1"])
def test_noise_must_be_a_number_at_least_0(make, noise):
    with pytest.raises(ValueError, match="noise must be a (finite )?number >= 0"):
        make(noise=noise)


@pytest.mark.parametrize("name", ["blobs", "circles", "moons", "spirals"])
def test_two_class_shapes_have_equally_many_points_of_each_class(name):
    _, y = data.toy(name, n=200)
    assert y.sum() == 100


def test_blobs_are_clouds_around_minus_and_plus_one_and_a_half():
    X, y = data.blobs(n=4000, noise=0.5)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-1.5, -1.5], atol=0.05)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [1.5, 1.5], atol=0.05)
    np.testing.assert_allclose(X[y == 0].std(axis=0), [0.5, 0.5], atol=0.05)


def test_xor_without_noise_is_class_1_exactly_where_the_signs_differ():
    X, y = data.xor(noise=0.0)
    np.testing.assert_array_equal(y, np.sign(X[:, 0]) != np.sign(X[:, 1]))


def test_circles_without_noise_have_radius_1_outside_and_one_half_inside():
    X, y = data.circles(noise=0.0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.5)


def test_moons_without_noise_lie_on_two_shifted_half_circles():
    X, y = data.moons(noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    assert (upper[:, 1] >= 0).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5).all()


def test_spirals_are_one_spiral_turned_by_half_a_turn():
    X, y = data.spirals(n=400, noise=0.0)
    # Turning a point by half a turn flips both signs: class 1's points lie on class 0's spiral.
    radius, angle = np.hypot(*X.T), np.arctan2(X[:, 1], X[:, 0])
    on_first_spiral = np.where(y == 0, angle, angle - np.pi)
    winding = np.angle(np.exp(1j * (on_first_spiral - 4 * np.pi * radius)))
    np.testing.assert_allclose(winding, 0.0, atol=1e-9)


@pytest.mark.parametrize("name", data.TOY_DATASETS)
def test_toy_gives_the_named_data_set(name):
    X, y = data.toy(name, n=30, seed=3)
    X_direct, y_direct = getattr(data, name)(n=30, seed=3)
    np.testing.assert_array_equal(X, X_direct)
    np.testing.assert_array_equal(y, y_direct)


def test_toy_passes_noise_on_and_none_keeps_the_default():
    np.testing.assert_array_equal(data.toy("moons", noise=0.3)[0], data.moons(noise=0.3)[0])
    np.testing.assert_array_equal(data.toy("moons", noise=None)[0], data.moons()[0])


@pytest.mark.parametrize("name", ["mnist", "Moons", "", 3])
def test_toy_with_an_unknown_name_lists_the_known_ones(name):
    with pytest.raises(ValueError, match="blobs, xor, circles, moons, spirals"):
        data.toy(name)


def rule_accuracy(X, y):
    """How often the lesson's rule 2*x1 + x2 - 18 >= 0 agrees with y."""
    return np.mean((2 * X[:, 0] + X[:, 1] - 18 >= 0) == y)


def perceptron_trick_accuracy(X, y, seed, lr=0.01, epochs=100):
    """Accuracy after the perceptron trick of lesson 01, started from small random weights."""
    rng = np.random.default_rng(seed)
    w, b = rng.normal(scale=0.01, size=2), rng.normal(scale=0.01)
    for _ in range(epochs):
        for x, target in zip(X, y, strict=True):
            error = target - int(x @ w + b >= 0)
            w, b = w + lr * error * x, b + lr * error
    return np.mean((X @ w + b >= 0) == y)


def test_admissions_scores_and_grades_lie_between_0_and_10():
    X, _ = data.admissions(n=1000)
    assert X.min() >= 0 and X.max() <= 10


def test_admissions_without_noise_follow_the_rule_exactly():
    X, y = data.admissions(n=1000, noise=0.0)
    assert rule_accuracy(X, y) == 1.0


def test_admissions_by_default_follow_the_rule_mostly_with_both_classes_well_represented():
    X, y = data.admissions()
    assert rule_accuracy(X, y) >= 0.9
    assert 0.3 <= y.mean() <= 0.7


def test_admissions_accepts_student_1_and_rejects_student_2_by_the_rule():
    X, y = data.admissions(n=1000)
    near_student_1 = np.hypot(*(X - [9, 8]).T) < 1
    near_student_2 = np.hypot(*(X - [3, 4]).T) < 1
    assert y[near_student_1].mean() == 1.0
    assert y[near_student_2].mean() == 0.0


@pytest.mark.parametrize("seed", range(5))
def test_the_perceptron_trick_learns_admissions_to_85_percent(seed):
    X, y = data.admissions()
    assert perceptron_trick_accuracy(X, y, seed) >= 0.85
