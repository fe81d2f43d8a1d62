"""The CSV reader: exact round trips, and one-line errors naming the line and column."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from descentlab.data.csvfile import CsvData, check_fit_data, csv_from_text, read_csv
from descentlab.errors import DescentlabError

_settings = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


def _write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_features_and_target_by_name(tmp_path):
    path = _write(tmp_path, "a, b ,y,note\n1,2.5,3,x\n\n-4e2,.5,+6,y\n")
    data = read_csv(path, target="y", features=["b", "a"])
    np.testing.assert_array_equal(data.X, [[2.5, 1.0], [0.5, -400.0]])
    np.testing.assert_array_equal(data.y, [3.0, 6.0])
    assert data.lines == [2, 4] and data.features == ["b", "a"]
    assert repr(data).startswith("CsvData(")


def test_labels_stay_text_and_a_bom_is_ignored(tmp_path):
    path = tmp_path / "l.csv"
    path.write_bytes("\ufeffx,label\n1,yes\n2,no\n".encode("utf-8"))
    data = read_csv(path, target="label", labels=True)
    assert list(data.y) == ["yes", "no"] and data.features == ["x"]


@pytest.mark.parametrize("text,target,features,match", [
    ("", "y", None, "is empty"),
    ("\n\n  \n", "y", None, "is empty"),
    ("1,2,3\n4,5,6\n", "y", None, "no header row .line 1 is all numbers"),
    ("a,b\n1,2\n", "y", None, "unknown target column 'y'.*'a', 'b'"),
    ("a,b,y\n1,2,3\n", "y", ["a", "c"], "unknown feature column 'c'"),
    ("a;b;y\n1;2;3\n", "y", None, "not seem comma-separated"),
    ("a,b,y\n1,2,3\n4,x,6\n", "y", None, "non-numeric value 'x' at line 3, column 'b'"),
    ("a,b,y\n1,2,3\n4,1_0,6\n", "y", None, "non-numeric value '1_0' at line 3"),
    ("a,b,y\n1,2,3\n4,,6\n", "y", None, "missing value at line 3, column 'b'"),
    ("a,b,y\n1,NA,3\n", "y", None, "missing value at line 2, column 'b'"),
    ("a,b,y\n1,2,nan\n", "y", None, "missing value at line 2, column 'y'"),
    ("a,b,y\n1,1e999,3\n", "y", None, "too large"),
    ("a,b,y\n1,2\n", "y", None, "line 2 .* has 2 cells but the header has 3"),
    ("a,b,y\n", "y", None, "no data rows"),
    ("a,,y\n1,2,3\n", "y", None, "column 2 .* has no name"),
    ("a,a,y\n1,2,3\n", "y", None, "'a' appears twice"),
    ("y\n1\n2\n", "y", None, "no feature columns"),
    ("a,y\n1,2\n", "y", ["y"], "both the target and a feature"),
    ('a,y\n"1,2\n', "y", None, "not a well-formed CSV|cells but the header"),
])
def test_bad_files_give_one_line_errors(tmp_path, text, target, features, match):
    with pytest.raises(DescentlabError, match=match) as info:
        read_csv(_write(tmp_path, text), target=target, features=features)
    assert "\n" not in str(info.value)


def test_unreadable_paths(tmp_path):
    with pytest.raises(DescentlabError, match="no such file"):
        read_csv(tmp_path / "nope.csv", target="y")
    with pytest.raises(DescentlabError, match="is a folder"):
        read_csv(tmp_path, target="y")
    (tmp_path / "latin1.csv").write_bytes("a,y\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(DescentlabError, match="not UTF-8"):
        read_csv(tmp_path / "latin1.csv", target="y")


@pytest.mark.parametrize("text,match", [
    ("a,y\n1,2\n", "only 1 data row .line 2"),
    ("a,b,c,y\n1,2,3,4\n5,6,7,9\n9,5,1,2\n", "3 data rows for 3 features"),
    ("a,b,y\n1,7,3\n2,7,4\n3,7,5\n", "feature column 'b' .* is constant .every row is 7"),
    ("a,b,y\n1,5,3\n2,7,3\n3,9,3\n", "target column 'y' .* is constant"),
])
def test_data_that_cannot_be_fitted(tmp_path, text, match):
    data = read_csv(_write(tmp_path, text), target="y")
    with pytest.raises(DescentlabError, match=match):
        check_fit_data(data)


def test_a_column_that_varies_only_in_its_last_row_is_not_constant(tmp_path):
    """The constant check looks at the first rows first; a late change still counts."""
    rows = "".join(f"{i},7,yes\n" for i in range(100))
    late = read_csv(_write(tmp_path, "a,b,y\n" + rows + "100,8,no\n"), target="y", labels=True)
    check_fit_data(late)  # b and y vary (in the last row only): nothing to refuse
    flat = read_csv(_write(tmp_path, "a,b,y\n" + rows + "100,7,yes\n"), target="y", labels=True)
    with pytest.raises(DescentlabError, match="feature column 'b' .* is constant .every row is 7"):
        check_fit_data(flat)
    flat.X[-1, 1] = 8
    with pytest.raises(DescentlabError, match="target column 'y' .* is constant .every row is 'yes'"):
        check_fit_data(flat)


_cells = st.floats(allow_nan=False, allow_infinity=False, width=64)


@_settings
@given(st.integers(1, 30), st.integers(1, 5), st.data())
def test_numbers_round_trip_exactly(tmp_path, n_rows, n_cols, data):
    values = np.array(data.draw(st.lists(_cells, min_size=n_rows * n_cols, max_size=n_rows * n_cols)))
    values = values.reshape(n_rows, n_cols)
    names = [f"c{j}" for j in range(n_cols)]
    text = ",".join(names) + "\n" + "".join(",".join(repr(float(v)) for v in row) + "\n" for row in values)
    got = read_csv(_write(tmp_path, text), target=None)
    np.testing.assert_array_equal(got.X, values)
    assert isinstance(got, CsvData) and got.y is None


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@_settings
@given(_text)
def test_any_text_reads_or_fails_in_one_line(tmp_path, text):
    path = tmp_path / "any.csv"
    path.write_text(text, encoding="utf-8", newline="")
    try:
        data = read_csv(path)
    except DescentlabError as exc:
        assert "\n" not in str(exc) and "\r" not in str(exc)
        return
    assert data.X.ndim == 2 and np.all(np.isfinite(data.X))


@_settings
@given(st.integers(2, 8), st.integers(0, 1000), st.sampled_from(["", "abc", "NA", "1..2", "--1", "0x10", "1e5e5", "inf"]))
def test_one_bad_cell_is_named_by_line_and_column(tmp_path, n_rows, where, bad):
    rows = [[str(i + 0.5), str(2 * i), str(i * i - 1)] for i in range(n_rows)]
    i, j = where % n_rows, (where // n_rows) % 3
    rows[i][j] = bad
    text = "a,b,y\n" + "".join(",".join(r) + "\n" for r in rows)
    with pytest.raises(DescentlabError, match=rf"line {i + 2}, column '{'aby'[j]}'") as info:
        read_csv(_write(tmp_path, text), target="y")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["\ufeffa,y\n1,2\n\n3,4\n", "a;y\n1;2\n", "a,y\n1,x\n", "a,y\n1\n", '"a,y\n1,2\n'])
def test_text_reads_as_the_same_file_would_without_touching_the_disk(tmp_path, text):
    """csv_from_text (the playground's upload) gives read_csv's data, or its error naming the upload."""
    path = _write(tmp_path, text, name="upload.csv")
    try:
        expected = read_csv(path, target="y")
    except DescentlabError as exc:
        with pytest.raises(DescentlabError) as info:
            csv_from_text(text, "upload.csv", target="y")
        assert str(info.value) == str(exc).replace(repr(str(path)), repr("upload.csv"))
        return
    data = csv_from_text(text, "upload.csv", target="y")
    np.testing.assert_array_equal(data.X, expected.X)
    np.testing.assert_array_equal(data.y, expected.y)
    assert (data.features, data.lines) == (expected.features, expected.lines)
