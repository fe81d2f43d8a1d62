"""A class folder for ``descentlab exercise grade``: five learners made from the
lesson's reference solution, each with what a real class hands in."""

from pathlib import Path

from descentlab.exercises import get_lesson

answer = get_lesson("linear_regression").solution.read_text()
no_half = answer.replace("1 / 2 * np.mean", "np.mean")  # the loss lost its 1/2
sign = ("(y_pred - y_train) * X_train", "(y_train - y_pred) * X_train")

folder = Path("submissions")
folder.mkdir()
(folder / "ada.py").write_text(answer)                  # every function right
(folder / "bob.py").write_text(no_half)
(folder / "cy.py").write_text(no_half.replace(*sign))   # and dm's sign
(folder / "dee.py").write_text("from descentlab.tutorial import *\n")
(folder / "eve.py").write_text(answer.replace("def predict(", "def predict(:"))
