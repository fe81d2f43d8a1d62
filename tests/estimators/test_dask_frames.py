"""Issue 26 item 5: a Dask DataFrame fit keeps feature_names_in_, so reordered columns are an error."""

import numpy as np
import pytest

from descentlab.errors import DescentlabError
from descentlab.estimators import GDClassifier, GDRegressor

dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")


def test_a_dask_dataframe_fit_keeps_its_column_names_and_refuses_them_reordered():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)) * [1, 10, 100]
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    y = X @ [1.0, 2.0, 3.0]
    est = GDRegressor().fit(dd.from_pandas(frame, npartitions=3), dd.from_pandas(pd.Series(y), npartitions=3))
    assert list(est.feature_names_in_) == ["a", "b", "c"]
    ref = GDRegressor().fit(frame, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-9)
    with pytest.raises(DescentlabError, match="in another order"):
        est.predict(frame[["c", "b", "a"]])
    labels = dd.from_pandas(pd.Series(np.where(y > 0, "up", "down")), npartitions=3)
    clf = GDClassifier(epochs=50, gtol=None).fit(dd.from_pandas(frame, npartitions=3), labels)
    assert list(clf.feature_names_in_) == ["a", "b", "c"]
