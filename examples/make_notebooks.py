"""Write the example notebooks, without outputs, from the cells below.

    python examples/make_notebooks.py

The notebooks are kept in git without outputs; this script is their source. Cells
tagged ``figure`` must draw an image (``tests/test_notebooks.py`` checks it), the cell
tagged ``training`` prints the article's ``Epoch:`` / ``Loss =`` lines, and
``remove-stderr`` keeps a progress bar's redraws out of the docs page (myst-nb).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent


def md(text):
    return new_markdown_cell(text.strip())


def code(text, *tags):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


SETUP = """
%matplotlib inline
import numpy as np
import descentlab as dl
"""

ARTICLE = [
    md("""
# The article, cell by cell: linear regression with NumPy

This notebook follows Part 2 of *Neural Networks with Numpy for Absolute Beginners*
(linear regression: the loss, gradient descent, the learning rate, epochs, prediction).
Open it beside the article and run it top to bottom. Every function here is
`descentlab.tutorial`'s version of the article's function: the same code the library
trains with, so the numbers below are the numbers `descentlab tutorial` prints.

The article's run had no seed; here every random choice is seeded (seed 7 for the split and
the starting `m`, `b`), so your run gives these numbers exactly.
"""),
    code(SETUP + """
from descentlab.tutorial import (reset_sizes, init_params, forward_prop, compute_loss,
                                 gradient, update_params, grad_desc, plot_graph, plot_pred_line)
from descentlab.data.synthetic import make_article_data, split
"""),
    md("""
## The data

200 points from scikit-learn's `make_regression` (one feature, noise 10, `random_state=42`),
as on the article's first page. `data.coef` is the true slope the points were made with.
"""),
    code("""
data = make_article_data()
X, y = data.X, data.y
print(X.shape, y.shape, "true coefficient:", data.coef)
"""),
    code('plot_graph({"X": X, "y": y})', "figure"),
    md("""
## Train and test sets

80% of the points to train on, 20% held out to test; every array reshaped to a column.
"""),
    code("""
X_train, X_test, y_train, y_test = split(X, y, test_size=0.2, seed=7)
X_train, X_test, y_train, y_test = reset_sizes(X_train, X_test, y_train, y_test)
X_train.shape, X_test.shape
"""),
    md("""
## A random line to start from

`m` and `b` are drawn from a normal distribution with mean 0 and standard deviation 10.
The prediction of the line is $\\hat y = m x + b$.
"""),
    code("""
m, b = init_params(np.random.default_rng(7))
y_pred = forward_prop(X_train, m, b)
print("m =", m, " b =", b)
"""),
    md("""
## The loss

Half the mean squared error over the $M$ training examples:

$$L = \\frac{1}{2M}\\sum_{i=1}^{M} (\\hat y_i - y_i)^2$$
"""),
    code("""
losses = []
loss = compute_loss(y_train, y_pred)
losses.append(loss)
print(loss)
"""),
    code("plot_pred_line(X_train, y_train, m, b, losses)", "figure"),
    md("""
## Gradient descent

The loss falls fastest against its gradient. Its partial derivatives are

$$\\frac{\\partial L}{\\partial m} = \\frac{1}{M}\\sum (\\hat y - y)\\,x, \\qquad
  \\frac{\\partial L}{\\partial b} = \\frac{1}{M}\\sum (\\hat y - y)$$

and one step with the learning rate $\\alpha$ (`l_r`) is
$m \\leftarrow m - \\alpha\\,\\partial L/\\partial m$, $b \\leftarrow b - \\alpha\\,\\partial L/\\partial b$.
"""),
    code("""
dm, db = gradient(m, b, X_train, y_train, y_pred)
print("dm =", dm, " db =", db)
print("after one step:", update_params(m, b, dm, db, 0.05))
"""),
    md("""
## Training: 61 epochs with `l_r = 0.05`

Each epoch predicts, computes the loss (before the update: that is the loss printed),
then updates `m` and `b`. Every 10 epochs it prints the loss and draws the line after
that epoch's update beside the loss so far, as the article does.
"""),
    code("""
l_r = 0.05
epochs = 61
m, b = init_params(np.random.default_rng(7))
losses = []
for i in range(epochs):
    y_pred = forward_prop(X_train, m, b)
    loss = compute_loss(y_train, y_pred)
    losses.append(loss)
    m, b = grad_desc(X_train, y_train, y_pred, m, b, l_r)
    if i % 10 == 0:
        print("Epoch: ", i)
        print("Loss = ", loss)
        plot_pred_line(X_train, y_train, m, b, losses, show=True)
""", "figure", "training"),
    md("""
## Prediction on the test set

The article calls the last number "Accuracy"; it is the mean absolute percentage error
(lower is better), and it swings with the split because test targets near 0 blow it up.
$R^2$ is the honest measure beside it.
"""),
    code("""
from sklearn.metrics import r2_score

y_pred = forward_prop(X_test, m, b)
print("Prediction:")
print("Loss = ", compute_loss(y_test, y_pred))
print("Mean absolute percentage error ('Accuracy') =", np.mean(np.abs((y_pred - y_test) / y_test)) * 100, "%")
print("R^2 =", r2_score(y_test, y_pred))
print("Hence\\nm = ", m, "\\nb = ", b)
"""),
    code("plot_pred_line(X_test, y_test, m, b)", "figure"),
    md("""
## The same run, by the library

`dl.run_tutorial()` trains the same model through descentlab's one training loop and
records a `History`. Its losses are the ones printed above, to the last digit.
"""),
    code("""
result = dl.run_tutorial(log=None)
np.testing.assert_allclose(result.history.loss, losses, rtol=1e-12)
result
"""),
    code("result.history.plot();", "figure"),
    code("result.history.to_frame().head()"),
    md("""
## The article's borrowed figures, drawn from this run

The article shows three figures from elsewhere: the cost against one parameter with its
optimum, the bowl of the loss over `m` and `b`, and a line fitting the data. Here they
are drawn from this run's own `History`. First the cost against `m` with `b` held at its
best value; `a` is the optimum, and the tangents are the slopes $\\partial L/\\partial m$
that the updates subtract.
"""),
    code("""
from descentlab.viz.surface import cost_vs_m_figure, loss_surface_figure

cost_vs_m_figure(result.history, result.X_train, result.y_train)
""", "figure"),
    code("loss_surface_figure(result.history, result.X_train, result.y_train)", "figure"),
    md("""
The line learning, epoch by epoch (drag the slider or press Play; the player works
offline, its frames are inside this notebook):
"""),
    code("""
from descentlab.viz.animation import TrainingAnimation

TrainingAnimation(result.history, result.X_train, result.y_train, max_frames=31)
"""),
    md("""
## The learning rate

Gradient descent on this loss converges only for learning rates below the stable bound
$2/\\lambda_{\\max}$: the largest rate before each step overshoots. The study trains the
same start with the article's 0.05 and with rates against the bound.
"""),
    code("""
from descentlab.lessons.lr_study import default_rates
from descentlab.viz.lr_study import lr_study_figure

bound = dl.stability_bound(result.X_train)
study = dl.lr_study(result.X_train, result.y_train, [0.05, *default_rates(bound)])
print("\\n".join(study.summary_lines()))
"""),
    code("lr_study_figure(study)", "figure"),
    md("""
## Watching it train

A `LiveBoard` redraws one figure in place while training runs (in a terminal it writes a
progress line instead). Here: a rate half the bound, 61 epochs.
"""),
    code("""
from descentlab.viz.board import LiveBoard

board = LiveBoard(every=10, total=61)
history = dl.train(dl.LinearModel(1, seed=7), result.X_train, result.y_train,
                   optimizer=dl.GradientDescent(bound / 2), epochs=61, callbacks=[board])
board.close()
history
"""),
]

NETWORKS = [
    md("""
# Beyond one neuron: collapse, nonlinearity, logistic regression

The article ends with a two-layer network with linear activations and shows in equations
that it is one linear equation. Here it is trained, then bent by nonlinear activations, then
turned into a classifier (logistic regression), all through the same training loop.
"""),
    code(SETUP),
    md("""
## Two linear layers are one line

Inputs $[x, x_0 = 1]$, two linear neurons, one linear output: the output is
$[x\\ 1]\\,W_1 W_2$, one line. Trained by gradient descent, it lands on the least-squares line.
"""),
    code("""
collapse = dl.run_collapse()
collapse
"""),
    code("""
from descentlab.viz.networks import collapse_figure, nonlinear_figure

collapse_figure(collapse)
""", "figure"),
    md("""
## Nonlinearity bends the line

On a sine curve no line, and no linear network, beats the least-squares loss; a network
with `tanh` hidden units does.
"""),
    code("""
nonlinear = dl.run_nonlinear(dl.NonlinearConfig(epochs=2000))
print("\\n".join(nonlinear.summary_lines()))
"""),
    code("nonlinear_figure(nonlinear)", "figure"),
    md("""
## Logistic regression

A sigmoid output $p = \\sigma(XW + b)$ and the binary cross-entropy give a classifier; its
decision boundary is the line $w_1 x_1 + w_2 x_2 + b = 0$. The result is checked against
scikit-learn's unpenalised `LogisticRegression`.
"""),
    code("""
logistic = dl.run_logistic()
logistic
"""),
    code("""
from descentlab.viz.logistic import BoundaryAnimation, boundary_figure

boundary_figure(logistic.history, logistic.X_train, logistic.y_train,
                logistic.snapshot_epochs(), accuracy=logistic.accuracy_trace)
""", "figure"),
    code("""
BoundaryAnimation(logistic.history, logistic.X_train, logistic.y_train,
                  accuracy=logistic.accuracy_trace, max_frames=30)
"""),
    code("logistic.history.to_frame().tail()"),
]

ESTIMATORS = [
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
    code("reg.history_.plot();", "figure"),
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

FAST = [
    md("""
# Fast and big: a memmap and a Dask fit

`GDRegressor`'s `"moments"` solver makes one pass over the rows to collect the data's
moments ($\\tfrac1N X^\\top X$, $\\tfrac1N X^\\top y$, ...); after it every epoch costs
$O(d^2)$ whatever the number of rows, with the same loss and gradients as the readable
`"gd"` solver. So data that lives on disk (a NumPy memmap) or in chunks (Dask)
trains without ever being one array in memory.
"""),
    code(SETUP + """
import tempfile
import time
from pathlib import Path
"""),
    md("## A data set on disk: 400,000 rows x 20 features, read as a memmap"),
    code("""
rng = np.random.default_rng(0)
n, d = 400_000, 20
true_coef = rng.normal(size=d)
folder = Path(tempfile.mkdtemp())
X_mm = np.lib.format.open_memmap(folder / "X.npy", mode="w+", dtype=np.float64, shape=(n, d))
for start in range(0, n, 100_000):                      # written block by block
    block = rng.normal(size=(min(100_000, n - start), d)) * np.linspace(0.5, 5, d)
    X_mm[start:start + len(block)] = block
y = np.asarray(X_mm @ true_coef + 3.0 + rng.normal(size=n))
X_mm.flush(); del X_mm
X_disk = np.load(folder / "X.npy", mmap_mode="r")
print(type(X_disk).__name__, X_disk.shape, f"{X_disk.nbytes / 1e6:.0f} MB on disk")
"""),
    code("""
timings, models = {}, {}
for solver in ["moments", "gd"]:                        # 100 epochs each, no early stop
    start = time.perf_counter()
    models[solver] = dl.GDRegressor(solver=solver, tol=None, epochs=100).fit(X_disk, y)
    timings[solver] = time.perf_counter() - start
    error = np.max(np.abs(models[solver].coef_ - true_coef))
    print(f"solver={solver:8s} {timings[solver]:6.2f} s for 100 epochs, "
          f"largest coefficient error {error:.2e}, intercept {models[solver].intercept_:.4f}")
gap = np.max(np.abs(models["moments"].coef_ - models["gd"].coef_))
print(f"moments is {timings['gd'] / timings['moments']:.1f} times faster; the two fits differ by {gap:.1e}")
model = models["moments"]
"""),
    md("""
## The same fit on Dask arrays

With a `dask.distributed` client active, the moments are Dask reductions computed on the
cluster (here a small local one, in this process); the fit then runs on the moments. The
data are made by Dask chunk by chunk (another draw of the same model).
"""),
    code("""
import dask.array as da
from distributed import Client, LocalCluster

cluster = LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
client = Client(cluster)
# the data made chunk by chunk by Dask itself (seeded): never one array in this process
drng = da.random.default_rng(1)
dX = drng.normal(size=(n, d), chunks=(50_000, d)) * np.linspace(0.5, 5, d)
dy = dX @ true_coef + 3.0 + drng.normal(size=n, chunks=50_000)
start = time.perf_counter()
dask_model = dl.GDRegressor(tol=None, epochs=100).fit(dX, dy)
print(f"Dask fit {time.perf_counter() - start:.2f} s on {dX.npartitions} chunks of {n:,} rows; "
      f"largest coefficient error {np.max(np.abs(dask_model.coef_ - true_coef)):.2e}, "
      f"intercept {dask_model.intercept_:.4f}")
client.close(); cluster.close()
"""),
    code("dask_model.history_.plot(log=True);", "figure"),
]

NOTEBOOKS = {"01-article.ipynb": ARTICLE, "02-beyond-one-neuron.ipynb": NETWORKS,
             "03-estimators.ipynb": ESTIMATORS, "04-fast-and-big.ipynb": FAST}


def main():
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells, metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}})
        for i, cell in enumerate(nb.cells):      # stable ids: the files change only when cells do
            cell.id = f"{name.split('-')[0]}-{i:02d}"
        nbformat.validate(nb)
        nbformat.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
