"""The fast CSV path (pandas) gives exactly what the cell-by-cell reader gives, or steps aside."""

import sys

import pytest

import descentlab.data.csvfile as csvfile
import descentlab.data.fastcsv as fastcsv
from descentlab.data.csvfile import read_csv
from descentlab.errors import DescentlabError

pytest.importorskip("pandas")

FILES = {
    "numbers": "a,b,y\n1,2.5,3\n-4e-3,5,6.125\n7,0.1,9\n",
    "spaces and crlf": " a , b ,y\r\n 1 ,2,3\r\n4, 5 ,6\r\n7,8,9\r\n",
    "bom and quotes": "\ufeffa,\"b\",y\n\"1\",2,3\n4,\"5\",6\n7,8,9\n",
    "no final newline": "a,b,y\n1,2,3\n4,5,6",
    "extremes": "a,b,y\n5e-324,1.7976931348623157e+308,3\n0.1,-0.0,6\n2.2250738585072014e-308,8,9\n",
}


def _write(tmp_path, text, name="f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _slow(monkeypatch, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(fastcsv, "read_fast", lambda *a, **k: None)
        return read_csv(**kwargs)


def _spy(monkeypatch):
    calls = []
    real = fastcsv.read_fast

    def spy(*args):
        result = real(*args)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(fastcsv, "read_fast", spy)
    return calls


@pytest.mark.parametrize("name", list(FILES))
def test_fast_path_equals_the_cell_by_cell_reader_exactly(tmp_path, monkeypatch, name):
    path = _write(tmp_path, FILES[name])
    slow = _slow(monkeypatch, path=path, target="y")
    calls = _spy(monkeypatch)
    fast = read_csv(path, target="y")
    assert calls == [True]  # the fast path was taken
    assert fast.X.tobytes() == slow.X.tobytes() and fast.y.tobytes() == slow.y.tobytes()
    assert fast.X.flags.c_contiguous and fast.X.dtype == slow.X.dtype
    assert (fast.features, fast.target, fast.lines) == (slow.features, slow.target, slow.lines)


def test_labels_and_options_equal_the_cell_by_cell_reader(tmp_path, monkeypatch):
    path = _write(tmp_path, "id;a;b;kind\n1;0.5;2; spam \n2;1.5;3;ham\n3;2.5;1;spam\n")
    kwargs = dict(path=path, target="kind", labels=True, delimiter=";", drop=["id"])
    slow = _slow(monkeypatch, **kwargs)
    calls = _spy(monkeypatch)
    fast = read_csv(**kwargs)
    assert calls == [True] and fast.features == ["a", "b"] == slow.features
    assert fast.X.tobytes() == slow.X.tobytes() and list(fast.y) == list(slow.y) == ["spam", "ham", "spam"]
    assert all(type(v) is str for v in fast.y)


@pytest.mark.parametrize("text, pinned", [
    ("x,kind\n1, spam \n2,007\n3,True\n4,1e3\n", False),   # text first: pandas infers text
    ("x,kind\n1,007\n2,7\n3,7.0\n4,ham\n", True),           # a number first: read as text
    ("x,kind\n1,TRUE\n2,false\n3,True\n4,no\n", True),      # True/False first: read as text
    ("x,kind\n1,0\n2,1\n3,01\n4,1\n", True),               # numbers only
])
def test_labels_keep_their_spelling_whichever_way_pandas_reads_them(tmp_path, monkeypatch, text, pinned):
    path = _write(tmp_path, text)
    slow = _slow(monkeypatch, path=path, target="kind", labels=True)
    parsed = []
    real = fastcsv._parse
    monkeypatch.setattr(fastcsv, "_parse", lambda *a: parsed.append(a[-1]) or real(*a))
    calls = _spy(monkeypatch)
    fast = read_csv(path, target="kind", labels=True)
    assert calls == [True] and parsed == (["kind"] if pinned else [None])
    assert list(fast.y) == list(slow.y) and all(type(v) is str for v in fast.y)


def test_labels_read_as_numbers_in_a_later_chunk_are_read_again_as_text(tmp_path, monkeypatch):
    """pandas infers types chunk by chunk: a text first label does not make the whole column text."""
    path = _write(tmp_path, "x,kind\n1,spam\n" + "".join(f"{i % 10},{i % 3}\n" for i in range(270_000)))
    parsed = []
    real = fastcsv._parse
    monkeypatch.setattr(fastcsv, "_parse", lambda *a: parsed.append(a[-1]) or real(*a))
    y = read_csv(path, target="kind", labels=True).y
    assert parsed == [None, "kind"] and list(y[:4]) == ["spam", "0", "1", "2"] and type(y[-1]) is str


@pytest.mark.parametrize("text,match", [
    ("a,b,y\n1,2,3\n\n4,5,6\n", None),                            # a blank line: line numbers shift
    ("a,b,y\n1,abc,3\n4,5,6\n", "non-numeric value 'abc' at line 2, column 'b'"),
    ("a,b,y\n1,,3\n4,5,6\n", "missing value at line 2, column 'b'"),
    ("a,b,y\n1,inf,3\n4,5,6\n", "non-numeric value 'inf' at line 2"),
    ("a,b,y\n1,1e999,3\n4,5,6\n", "too large for a float"),
    ("a,b,y\n1,2,3,4\n4,5,6\n", "line 2 .* has 4 cells"),
    ("a,a,y\n1,2,3\n", "appears twice"),
])
def test_what_the_fast_path_cannot_vouch_for_goes_to_the_cell_by_cell_reader(tmp_path, monkeypatch, text, match):
    path = _write(tmp_path, text)
    calls = _spy(monkeypatch)
    if match is None:
        data = read_csv(path, target="y")
        assert data.lines == [2, 4] and calls in ([False], [])
        return
    with pytest.raises(DescentlabError, match=match) as info:
        read_csv(path, target="y")
    assert "\n" not in str(info.value) and True not in calls


def test_without_pandas_the_cell_by_cell_reader_runs(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    data = read_csv(_write(tmp_path, FILES["numbers"]), target="y")
    assert data.X.shape == (3, 2) and data.lines == [2, 3, 4]


def test_options_are_checked_in_one_line(tmp_path):
    path = _write(tmp_path, FILES["numbers"])
    with pytest.raises(DescentlabError, match="delimiter ';;' must be one character"):
        read_csv(path, target="y", delimiter=";;")
    with pytest.raises(DescentlabError, match="unknown dropped column 'q'"):
        read_csv(path, target="y", drop=["q"])
    with pytest.raises(DescentlabError, match="not both"):
        read_csv(path, target="y", drop=["a"], features=["b"])
    assert read_csv(path, target="y", drop=["a"]).features == ["b"]
    tabbed = _write(tmp_path, FILES["numbers"].replace(",", "\t"), "t.csv")
    assert read_csv(tabbed, target="y", delimiter="\\t").X.shape == (3, 2)


def test_a_label_over_two_lines_keeps_the_line_numbers(tmp_path, monkeypatch):
    path = _write(tmp_path, 'a,b,kind\n1,2,"two\nlines"\n3,4,x\n5,6,x\n')
    slow = _slow(monkeypatch, path=path, target="kind", labels=True)
    calls = _spy(monkeypatch)
    data = read_csv(path, target="kind", labels=True)
    assert calls == [False] and data.lines == slow.lines == [3, 4, 5] and data.y[0] == "two\nlines"


@pytest.mark.parametrize("text, labels, where", [
    ("a,b,y\n1,2,3\n4,,6\n7,8,9\n", False, "line 3, column 'b'"),
    ("a,b,y\n1,2,3\n4,5,NA\n7,,9\n", False, "line 3, column 'y'"),
    ("a,b,y\n1,2,yes\n4,5, \n7,,no\n", True, "line 3, column 'y'"),
    ("b,a,y\n1,2,3\n4,5,6\n7,na,9\n", False, "line 4, column 'a'"),
    ("a,b,y\n1,2,3\n4,Null,6\n7,8,9\n", False, "line 3, column 'b'"),  # any case: NaN in pandas' pass
    ("a,b,y\n1,2,3\n4, NA ,6\n7,8,9\n", False, "line 3, column 'b'"),  # padded: a text column
])
def test_a_missing_cell_is_named_from_the_fast_path_as_the_cell_by_cell_reader_names_it(
        tmp_path, monkeypatch, text, labels, where):
    """Issue 26 item 6: one empty cell sent the whole file to the cell-by-cell reader."""
    path = _write(tmp_path, text, "gap.csv")
    with pytest.raises(DescentlabError) as slow:
        _slow(monkeypatch, path=path, target="y", labels=labels)
    monkeypatch.setattr(csvfile, "_rows", lambda *a: pytest.fail("the cell-by-cell reader ran"))
    with pytest.raises(DescentlabError, match=where) as fast:
        read_csv(path, target="y", labels=labels)
    assert str(fast.value) == str(slow.value)


def test_a_missing_cell_past_the_first_megabyte_is_named_by_its_line(tmp_path, monkeypatch):
    """The line of the gap is found by counting newlines block by block (1 MiB each)."""
    rows = ["1.2345678,2.3456789,3.25"] * 60_000
    rows[50_000] = "1.2345678,,3.25"
    path = _write(tmp_path, "a,b,y\n" + "\n".join(rows) + "\n", "long.csv")
    monkeypatch.setattr(csvfile, "_rows", lambda *a: pytest.fail("the cell-by-cell reader ran"))
    with pytest.raises(DescentlabError, match="line 50002, column 'b'"):
        read_csv(path, target="y")


def test_a_missing_cell_in_a_full_row_is_named_without_reading_the_file_again(tmp_path, monkeypatch):
    """pandas pads a short row with missing cells: a row whose last cell is present has every
    cell, so its line number is the row's and the file is not read a second time."""
    path = _write(tmp_path, "a,b,y\n1,2,3\n4,,6\n7,8,9\n", "gap.csv")
    monkeypatch.setattr(fastcsv, "_line", lambda *a: pytest.fail("the file was read again"))
    monkeypatch.setattr(csvfile, "_rows", lambda *a: pytest.fail("the cell-by-cell reader ran"))
    with pytest.raises(DescentlabError, match="missing value at line 3, column 'b'"):
        read_csv(path, target="y")


@pytest.mark.parametrize("labels, message", [(False, "missing value"), (True, "missing label")])
def test_a_missing_last_cell_past_the_first_megabyte_is_named_by_its_line(tmp_path, monkeypatch, labels, message):
    """A missing last cell could be a short row: its line is read (newlines counted block by block)."""
    rows = ["1.2345678,2.3456789,3"] * 60_000
    rows[50_000] = "1.2345678,2.3456789,"
    path = _write(tmp_path, "a,b,y\n" + "\n".join(rows) + "\n", "long.csv")
    monkeypatch.setattr(csvfile, "_rows", lambda *a: pytest.fail("the cell-by-cell reader ran"))
    with pytest.raises(DescentlabError, match=f"{message} at line 50002, column 'y'"):
        read_csv(path, target="y", labels=labels)


@pytest.mark.parametrize("text, match", [
    ("a,b,y\n1,2,3\n4\n5,6,7\n", "line 3 of .* has 1 cells"),                 # short: padded by pandas
    ("a,b,y\n1,2,3\n4,,\n5,6,7\n", "missing value at line 3, column 'b'"),   # full, its last cell empty
])
def test_a_row_whose_last_cell_is_missing_is_told_short_or_full_from_its_line(tmp_path, text, match):
    with pytest.raises(DescentlabError, match=match):
        read_csv(_write(tmp_path, text, "short.csv"), target="y")


def test_a_short_row_missing_only_a_dropped_column_is_refused_as_the_cell_by_cell_reader_does(tmp_path, monkeypatch):
    short = _write(tmp_path, "a,b,y,id\n1,2,3,x\n4,5,6\n7,8,9,z\n", "short.csv")
    with pytest.raises(DescentlabError, match="line 3 of .* has 3 cells but the header has 4"):
        read_csv(short, target="y", drop=["id"])
    full = _write(tmp_path, "a,b,y,id\n1,2,3,x\n4,5,6,\n7,8,9,z\n", "full.csv")  # an empty id
    calls = _spy(monkeypatch)
    assert read_csv(full, target="y", drop=["id"]).lines == [2, 3, 4] and calls == [True]


def test_a_short_row_still_goes_to_the_reader_that_counts_cells(tmp_path):
    path = _write(tmp_path, "a,b,y\n1,2,3\n4,5\n", "short.csv")
    with pytest.raises(DescentlabError, match="line 3 of .* has 2 cells"):
        read_csv(path, target="y")
