"""Cells of the notebook 03-estimators: markdown and code, written by ``make_notebooks.py``."""

from cells import SETUP, code, md

CELLS = [
    md("""
# From lesson to tool: scikit-learn estimators

`GDRegressor` and `GDClassifier` run the same training loop on real data, inside ordinary
scikit-learn workflows: pipelines, grid search, saved models. The data sets ship with
scikit-learn (no download).
"""),
    code(SETUP + """
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
"""),
    md("""
## Regression on the diabetes data

The defaults standardise the features, choose the step from the data's curvature and stop
when the loss stops improving. $R^2$ matches the closed-form `LinearRegression`.
"""),
    code("""
X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
reg = dl.GDRegressor().fit(X_train, y_train)
ols = LinearRegression().fit(X_train, y_train)
print(f"test R^2: GDRegressor {reg.score(X_test, y_test):.6f}, LinearRegression {ols.score(X_test, y_test):.6f}")
reg.history_
"""),
    code("from descentlab.viz.history import plot_history\nplot_history(reg.history_);", "figure"),
    md("""
## A live board while fitting

Any `fit` accepts callbacks: a `LiveBoard` (a figure redrawn in place) or `progress`
(a tqdm bar when tqdm is installed).
"""),
    code("""
from descentlab.viz.board import LiveBoard, progress

board = LiveBoard(every=25)
bar = progress(400, desc="adam")
dl.GDRegressor(optimizer="adam", solver="gd", epochs=400, tol=None).fit(X_train, y_train, callbacks=[board, bar])
bar.close()       # the board draws its last epoch by itself when the cell ends
""", "remove-stderr"),
    md("""
## In a pipeline, tuned by grid search

Polynomial features then gradient descent; `GridSearchCV` picks the degree and the optimizer
by 3-fold cross-validation.
"""),
    code("""
pipe = Pipeline([("poly", PolynomialFeatures(include_bias=False)), ("gd", dl.GDRegressor(tol=1e-5))])
grid = GridSearchCV(pipe, {"poly__degree": [1, 2], "gd__optimizer": ["gd", "nesterov"]}, cv=3)
grid.fit(X_train, y_train)
print("best:", grid.best_params_, f"CV R^2 {grid.best_score_:.4f}, test R^2 {grid.score(X_test, y_test):.4f}")
"""),
    md("""
## Classification on the breast-cancer data

`GDClassifier` is logistic regression by gradient descent (cross-entropy); accuracy here
is the share of correct predictions.
"""),
    code("""
Xc, yc = load_breast_cancer(return_X_y=True)
Xc_train, Xc_test, yc_train, yc_test = train_test_split(Xc, yc, test_size=0.25, random_state=0, stratify=yc)
clf = Pipeline([("scale", StandardScaler()), ("gd", dl.GDClassifier(standardize=False, tol=1e-4))])
search = GridSearchCV(clf, {"gd__optimizer": ["gd", "nesterov", "adam"]}, cv=3).fit(Xc_train, yc_train)
best = search.best_estimator_
print("best:", search.best_params_, f"test accuracy {best.score(Xc_test, yc_test):.1%}")
best.named_steps["gd"].history_
"""),
    md("""
## Saved and loaded

A model file is JSON: the hyperparameters, the learned attributes and the history. The
loaded model predicts bit for bit what the saved one did.
"""),
    code("""
import tempfile
from pathlib import Path

path = Path(tempfile.mkdtemp()) / "diabetes.json"
dl.save_model(reg, path)
loaded = dl.load_model(path)
assert np.array_equal(loaded.predict(X_test), reg.predict(X_test))
print(path.name, path.stat().st_size, "bytes;", loaded)
"""),
]
