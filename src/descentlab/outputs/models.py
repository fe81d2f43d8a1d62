"""Model files and predictions, written atomically: the estimators' text, put on disk.

:mod:`descentlab.estimators.persist` makes a model file's text (and reads it back);
:mod:`descentlab.estimators.workflow` fits and predicts. This module writes what they hand
over: :func:`save_model`, :func:`save_fit` (a model with the names of its data) and
:func:`write_predictions` (CSV), each to a temporary file renamed into place
(:func:`descentlab.files.write_text`), so a file is whole or absent. :func:`fit` and
:func:`predict` are what ``descentlab fit`` and ``descentlab predict`` do.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from descentlab.errors import DescentlabError
from descentlab.files import check_outputs, write_text

if TYPE_CHECKING:
    from descentlab.core.history import History
    from descentlab.data.csvfile import CsvData
    from descentlab.data.folders import FolderData
    from descentlab.estimators.base import GDEstimator
    from descentlab.estimators.workflow import FitConfig, FitResult
    from descentlab.outputs.run_folder import Command

PathLike = str | os.PathLike[str]


class Progress(Protocol):
    """A training callback that is closed when training ends (the command line's progress bar)."""

    def __call__(self, epoch: int, history: "History") -> None: ...

    def close(self) -> None: ...


def check_writable(path: PathLike) -> Path:
    """Raise a one-line error unless a model can be written at ``path``; create nothing.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_writable(Path(folder) / "model.json") == Path(folder) / "model.json"
    True
    """
    path = Path(path)
    check_outputs([("the model", path)])
    return path


def save_model(estimator: "GDEstimator", path: PathLike, info: dict[str, Any] | None = None) -> Path:
    """Write a fitted estimator to ``path`` as JSON, atomically (the format:
    :mod:`descentlab.estimators.persist`; read it with :func:`~descentlab.load_model`).

    Parameters
    ----------
    estimator : GDRegressor, GDClassifier, GDNetworkRegressor or GDNetworkClassifier
        Fitted, with a named (not callable) schedule.
    path : str or Path
    info : dict, optional
        Free-form JSON-serialisable facts to keep beside the model.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from descentlab.estimators import GDRegressor, load_model
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_model(GDRegressor(epochs=500).fit(X, 2 * X[:, 0] + 1), Path(folder) / "m.json")
    ...     load_model(path).coef_.shape
    (1,)
    """
    from descentlab.estimators.persist import model_text

    return write_text(path, model_text(estimator, info))


def save_fit(result: "FitResult", path: PathLike) -> Path:
    """Save a :class:`~descentlab.estimators.workflow.FitResult`'s model with the names of
    its features and target (:func:`~descentlab.estimators.workflow.fit_info`), atomically.

    >>> import tempfile
    >>> from descentlab.estimators import load_model
    >>> from descentlab.estimators.workflow import FitConfig, fit_csv
    >>> tmp = tempfile.TemporaryDirectory(); folder = Path(tmp.name)
    >>> _ = (folder / "d.csv").write_text("size,price\\n" + "".join(f"{x},{3 * x}\\n" for x in range(8)))
    >>> path = save_fit(fit_csv(FitConfig(csv=str(folder / "d.csv"), target="price")), folder / "m.json")
    >>> info = load_model(path, return_info=True)[1]
    >>> info["features"], info["target"]
    (['size'], 'price')
    >>> tmp.cleanup()
    """
    from descentlab.estimators.workflow import fit_info

    return save_model(result.estimator, path, info=fit_info(result))


def write_predictions(path: PathLike, predictions: dict[str, np.ndarray]) -> Path:
    """Write :func:`~descentlab.estimators.workflow.predictions_csv` to ``path`` atomically;
    a one-line error if it cannot.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     write_predictions(Path(folder) / "p.csv", {"prediction": np.array([1.5, 2.0])}).read_text().splitlines()
    ['prediction', '1.5', '2.0']
    """
    from descentlab.estimators.workflow import predictions_csv

    try:
        return write_text(path, predictions_csv(predictions))
    except OSError as exc:
        raise DescentlabError(f"cannot write predictions to {str(path)!r} "
                              f"({exc.strerror or exc}): choose another --out") from None


#: The model file ``descentlab fit`` writes into its folder (``descentlab predict`` reads it).
MODEL = "model.json"
#: The file ``descentlab predict --out FOLDER`` writes.
PREDICTIONS = "predictions.csv"


def fit(config: "FitConfig", command: "Command", *, progress: Callable[[int], Progress] | None = None,
        on_start: "Callable[[CsvData | FolderData, GDEstimator], None] | None" = None,
        say: Callable[[str], None] = print) -> "FitResult":
    """``descentlab fit``: check the folder, fit ``config`` (a
    :class:`~descentlab.estimators.workflow.FitConfig`), say how it went, save ``model.json``.

    ``progress(epochs)`` makes a training callback (a progress bar), closed when training
    ends; ``on_start(data, estimator)`` is called once the data has passed its checks. A model that cannot be written where asked is saved under a
    fallback name (:func:`~descentlab.files.save_or_recover`). Returns the
    :class:`~descentlab.estimators.workflow.FitResult`.

    >>> import tempfile
    >>> from descentlab.estimators.workflow import FitConfig
    >>> from descentlab.outputs.run_folder import Command
    >>> tmp = tempfile.TemporaryDirectory(); folder = Path(tmp.name)
    >>> _ = (folder / "d.csv").write_text("x,y\\n" + "".join(f"{x},{2 * x + 1}\\n" for x in range(8)))
    >>> result = fit(FitConfig(csv=str(folder / "d.csv"), target="y"), Command("fit", folder / "out"),
    ...              say=lambda line: None)
    >>> sorted(p.name for p in (folder / "out").iterdir()), result.features
    (['manifest.json', 'model.json'], ['x'])
    >>> tmp.cleanup()
    """
    from descentlab.estimators import workflow
    from descentlab.files import deferred_signals, ensure_writable_dir, save_or_recover
    from descentlab.outputs.manifest import MANIFEST
    from descentlab.outputs.run_folder import check_folder, recording, say_if_large_run

    estimator = config.estimator()
    planned = [MODEL, MANIFEST]
    check_folder(command.out, planned, inputs=[config.csv])  # made once trained
    say_if_large_run(estimator.epochs)
    bar = None if progress is None else progress(estimator.epochs)
    try:
        result = workflow.fit_csv(config, callbacks=[] if bar is None else [bar], on_start=on_start)
    finally:
        if bar is not None:
            bar.close()
    for line in result.summary_lines():
        say(line)
    try:
        ensure_writable_dir(command.out)
    except DescentlabError:  # the folder broke while training: the model is saved elsewhere
        pass
    # a second Ctrl-C must not lose the model
    with recording(command, planned, [result.estimator.history_]) as record, deferred_signals():
        path = save_or_recover(lambda path: save_fit(result, path), record.path(MODEL))
    say(f"Saved the model to {path}")
    return result


def predict(model: PathLike, csv: PathLike, command: "Command | None" = None, *, delimiter: str = ",",
            say: Callable[[str], None] = print) -> int:
    """``descentlab predict``: the predictions of the model file ``model`` for the rows of
    ``csv``, said as CSV, or with a ``command`` written to ``predictions.csv`` in its
    folder. Returns the number of rows predicted.

    >>> import tempfile
    >>> from descentlab.estimators import GDRegressor
    >>> tmp = tempfile.TemporaryDirectory(); folder = Path(tmp.name)
    >>> X = np.arange(6.0).reshape(-1, 1)
    >>> model = save_model(GDRegressor(epochs=500).fit(X, 2 * X[:, 0] + 1), folder / "m.json")
    >>> _ = (folder / "new.csv").write_text("x0\\n10\\n")
    >>> predict(model, folder / "new.csv", say=lambda text: print(text.splitlines()[0]))
    prediction
    1
    >>> tmp.cleanup()
    """
    from descentlab.estimators.workflow import predict_csv, predictions_csv
    from descentlab.files import ensure_writable_dir
    from descentlab.outputs.manifest import MANIFEST
    from descentlab.outputs.run_folder import check_folder, recording

    planned = [PREDICTIONS, MANIFEST]
    if command is not None:
        check_folder(command.out, planned, inputs=[model, csv])
    _, _, predictions = predict_csv(model, csv, delimiter=delimiter)
    n = len(next(iter(predictions.values())))
    if command is None:
        say(predictions_csv(predictions).removesuffix("\n"))
        return n
    ensure_writable_dir(command.out)
    with recording(command, planned) as record:
        path = write_predictions(record.path(PREDICTIONS), predictions)
    say(f"Wrote {n} predictions to {path}")
    return n
