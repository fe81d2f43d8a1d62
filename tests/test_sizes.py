"""Sizes that cannot fit are refused before anything is allocated, saying how much memory
they would need and how much there is; an interrupted run can still be drawn."""

import json

import numpy as np
import pytest

import descentlab.memory as memory
from descentlab.core.history import load_history
from descentlab.core.network import make_network
from descentlab.data.synthetic import make_article_data, make_blobs, make_sine
from descentlab.errors import DescentlabError
from descentlab.lessons.article import TutorialConfig, result_from_history, run_tutorial


def test_the_memory_message_says_what_is_needed_and_what_is_available(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 2 * memory.GIB)
    with pytest.raises(DescentlabError, match=r"^x would need about 3 GiB of memory but 2 GiB is "
                                              r"available: do less$"):
        memory.check_memory("x", 3 * memory.GIB, "do less")
    assert memory.check_memory("x", memory.GIB, "do less") == memory.GIB
    assert memory.gib(10**15) == "931,323 GiB"


def test_available_memory_is_read_from_the_system():
    available = memory.available_bytes()
    assert available is None or available > 0


@pytest.mark.parametrize("make,args", [(make_article_data, (10**12, 1)), (make_article_data, (200, 10**9)),
                                       (make_sine, (10**12,)), (make_blobs, (10**12,))])
def test_synthetic_data_too_large_is_refused_before_allocating(make, args):
    with pytest.raises(DescentlabError, match="would need about .* GiB of memory but .* is available"):
        make(*args)


def test_a_network_too_large_is_refused_before_its_weights_are_drawn():
    with pytest.raises(DescentlabError, match=r"a network 1 -> 1000000000000 -> 1 \(3000000000001 weights\)"):
        make_network([1, 10**12, 1])
    with pytest.raises(DescentlabError, match="samples x 1 feature would need"):
        TutorialConfig(samples=10**14)
    from descentlab.core.layers import Dense

    with pytest.raises(DescentlabError, match="a dense layer of 1 x 1000000000000 weights would need"):
        Dense(1, 10**12)


def test_a_model_file_with_an_absurd_hidden_layer_is_refused_without_building_it(tmp_path):
    from descentlab.estimators.network import GDNetworkRegressor
    from descentlab.estimators.persist import load_model
    from descentlab.outputs.models import save_model

    X = np.random.default_rng(0).normal(size=(20, 1))
    path = save_model(GDNetworkRegressor(hidden_layer_sizes=(2,), epochs=5, tol=None).fit(X, X[:, 0]), tmp_path / "n.json")
    doc = json.loads(path.read_text())
    doc["params"]["hidden_layer_sizes"] = [10**12]
    path.write_text(json.dumps(doc))
    with pytest.raises(DescentlabError, match="weights_ must hold 3000000000001 numbers"):
        load_model(path)


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A tutorial history cut after 4 of 12 epochs, as Ctrl-C leaves it."""
    h = run_tutorial(TutorialConfig(epochs=12), log=None).history
    doc = h.to_dict()
    doc["loss"] = doc["loss"][:4]
    doc["params"] = {k: v[:4] for k, v in doc["params"].items()}
    doc["status"] = "interrupted"
    path = tmp_path_factory.mktemp("h") / "history.json"
    path.write_text(json.dumps(doc))
    return path


def test_an_interrupted_history_is_rebuilt_and_says_so(interrupted):
    result = result_from_history(load_history(interrupted))
    assert result.history.interrupted_note() == "interrupted after 4 of 12 epochs"
    lines = result.summary_lines()
    assert "After 4 epochs gradient descent" in "\n".join(lines)
    assert lines[-1] == "This run was interrupted after 4 of 12 epochs."


@pytest.mark.slow
def test_an_interrupted_history_is_animated_and_reported(interrupted, tmp_path, capsys):
    from descentlab.cli import main

    assert main(["animate", "--history", str(interrupted), "--out", str(tmp_path), "--no-mp4"]) == 0
    assert "the run was interrupted after 4 of 12 epochs" in capsys.readouterr().out
    report = tmp_path / "report.html"
    assert main(["report", "--history", str(interrupted), "--out", str(tmp_path)]) == 0
    assert "for 4 epochs (interrupted after 4 of 12 epochs: Ctrl-C)" in report.read_text()
