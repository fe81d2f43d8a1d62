import numpy as np
import pytest

from descentlab.errors import DescentlabError
from descentlab.core.history import History, load_history
from descentlab.core.models import LinearModel
from descentlab.core.trainer import train


def test_json_round_trip_keeps_every_number(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    h = train(LinearModel(2), X, y, epochs=5)
    h.meta["lr"] = 0.05
    path = tmp_path / "history.json"
    path.write_text(h.to_json())
    back = load_history(path)
    assert back.loss == h.loss
    np.testing.assert_array_equal(back.trace("W"), h.trace("W"))
    np.testing.assert_array_equal(back.final_params["b"], h.final_params["b"])
    assert back.status == "completed" and back.meta["lr"] == 0.05
    assert "n_epochs=5" in repr(back)


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", '{"params": {}}'])
def test_malformed_history_is_a_one_line_error(tmp_path, text):
    path = tmp_path / "h.json"
    path.write_text(text)
    with pytest.raises(DescentlabError, match="cannot read history") as info:
        load_history(path)
    assert "\n" not in str(info.value)


def test_params_at_the_end_is_the_final_params():
    h = History()
    h.record(1.0, {"W": np.array([1.0])})
    h.final_params = {"W": np.array([2.0])}
    assert h.params_after(0)["W"][0] == 2.0
    assert h.params_at(0)["W"][0] == 1.0
