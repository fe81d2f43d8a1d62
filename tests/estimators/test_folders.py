"""A folder of CSV or Parquet files read lazily with dask.dataframe: the column checks in one
line, and ``descentlab fit FOLDER`` (the default scheduler) gives the in-memory model."""

import numpy as np
import pytest

pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

from descentlab.data.folders import read_folder  # noqa: E402
from descentlab.errors import DescentlabError  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _folder(tmp_path, n=240, parts=3, kind="csv", name="data"):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3)) * [1, 5, 0.2]
    df = pd.DataFrame(X, columns=["a", "b", "c"]).assign(
        y=X @ [1.0, -0.5, 3.0] + 0.1 * rng.normal(size=n), label=np.where(X[:, 0] > 0.2, "up", "down"))
    folder = tmp_path / name
    folder.mkdir()
    for k, rows in enumerate(np.array_split(np.arange(n), parts)):
        part = df.iloc[rows]
        part.to_csv(folder / f"p{k}.csv", index=False) if kind == "csv" else \
            part.to_parquet(folder / f"p{k}.parquet", index=False)
    return folder, df


def test_a_folder_reads_as_lazy_arrays_with_known_chunks(tmp_path):
    folder, df = _folder(tmp_path)
    data = read_folder(folder, target="y", features=["a", "b", "c"])
    assert hasattr(data.X, "dask") and data.X.shape == (240, 3) and len(data.files) == 3
    np.testing.assert_array_equal(data.X.compute(), df[["a", "b", "c"]].to_numpy())
    np.testing.assert_array_equal(data.y.compute(), df["y"].to_numpy())


@pytest.mark.parametrize("kwargs,match", [
    ({"target": "nope"}, "unknown target column 'nope'"),
    ({"target": "y", "features": ["a", "zz"]}, "unknown feature column 'zz'"),
    ({"target": "y", "features": ["a", "label"]}, "feature column 'label' .* holds text"),
    ({"target": "label"}, "target column 'label' .* holds text: use --classify"),
    ({"target": "y", "features": ["a", "y"]}, "both the target and a feature"),
])
def test_column_problems_are_one_line_errors(tmp_path, kwargs, match):
    folder, _ = _folder(tmp_path)
    with pytest.raises(DescentlabError, match=match) as info:
        read_folder(folder, **kwargs)
    assert "\n" not in str(info.value)


def test_a_folder_without_data_files_or_with_both_kinds_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DescentlabError, match="holds no .csv or .parquet files"):
        read_folder(tmp_path / "empty", target="y")
    folder, _ = _folder(tmp_path)
    (folder / "extra.parquet").write_bytes(b"")
    with pytest.raises(DescentlabError, match="mixes CSV and Parquet"):
        read_folder(folder, target="y")


def test_a_text_cell_in_a_later_file_is_a_one_line_error(tmp_path):
    folder, _ = _folder(tmp_path)
    text = (folder / "p2.csv").read_text().splitlines()
    text[3] = "oops," + text[3].split(",", 1)[1]
    (folder / "p2.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(DescentlabError, match="cannot read the csv files") as info:
        read_folder(folder, target="y", features=["a", "b", "c"])
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_cli_fit_on_a_folder_equals_the_fit_on_its_rows(tmp_path, capsys, kind):
    if kind == "parquet":
        pytest.importorskip("pyarrow")
    from descentlab.cli import main
    from descentlab.estimators.network import GDNetworkRegressor
    from descentlab.estimators.persist import load_model

    folder, df = _folder(tmp_path, kind=kind)
    out = tmp_path / "model.json"
    # a Dask fit is full batch: so is the reference (a network's default is mini-batches of 200)
    assert main(["fit", str(folder), "--target", "y", "--features", "a", "b", "c", "--hidden", "4",
                 "--epochs", "30", "--batch-size", "none", "--out", str(tmp_path)]) == 0
    assert "R^2" in capsys.readouterr().out
    model = load_model(out)
    X = df[["a", "b", "c"]].to_numpy()
    ref = GDNetworkRegressor((4,), epochs=30, batch_size=None).fit(X, df["y"].to_numpy())
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-8, atol=1e-8)


@pytest.mark.slow
def test_a_folder_fit_holds_out_test_rows_and_measures_them(tmp_path):
    from descentlab.estimators.workflow import FitConfig, fit_csv

    folder, _ = _folder(tmp_path)
    result = fit_csv(FitConfig(csv=str(folder), target="label", features=["a", "b", "c"],
                               task="classification", test_size=0.25))
    assert set(result.metrics) == {"train", "test"} and result.n_rows == 240
    assert result.metrics["test"]["accuracy"] > 0.8 and list(result.estimator.classes_) == ["down", "up"]


def test_a_folder_with_three_classes_fits_and_measures_them(tmp_path):
    from descentlab.estimators.linear import GDClassifier
    from descentlab.estimators.workflow import FitConfig, fit_csv

    folder, df = _folder(tmp_path)
    df = df.assign(kind=np.select([df["a"] < -0.5, df["a"] < 0.5], ["low", "mid"], "top"))
    for k, rows in enumerate(np.array_split(np.arange(len(df)), 3)):
        df.iloc[rows].to_csv(folder / f"p{k}.csv", index=False)
    result = fit_csv(FitConfig(csv=str(folder), target="kind", features=["a", "b", "c"],
                               task="classification", params={"epochs": 80}))
    X, y = df[["a", "b", "c"]].to_numpy(), df["kind"].to_numpy()
    ref = GDClassifier(epochs=80).fit(X, y)
    np.testing.assert_allclose(result.estimator.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    # the log loss over the three probability columns (two columns raised before)
    from sklearn.metrics import log_loss

    assert result.metrics["train"]["log_loss"] == pytest.approx(log_loss(y, ref.predict_proba(X)), rel=1e-8)
    assert result.metrics["train"]["accuracy"] == pytest.approx(ref.score(X, y))


def test_cli_fit_on_a_folder_with_hidden_picks_full_batch_itself_and_says_so(tmp_path, capsys):
    """Issue 26 item 5: `fit DIR --hidden` failed by default (Dask needs full batch)."""
    from descentlab.cli import main
    from descentlab.estimators.persist import load_model

    folder, df = _folder(tmp_path)
    assert main(["fit", str(folder), "--target", "y", "--features", "a", "b", "c", "--hidden", "4",
                 "--epochs", "20", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "R^2" in out and "full-batch" in err and err.count("\n") == 1
    assert load_model(tmp_path / "model.json").batch_size is None
