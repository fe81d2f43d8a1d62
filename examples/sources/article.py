"""Cells of the notebook 01-article: markdown and code, written by ``make_notebooks.py``."""

from cells import SETUP, code, md

CELLS = [
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
    code("from descentlab.viz.history import plot_history\nplot_history(result.history);", "figure"),
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
from descentlab.viz.lr_study import lr_study_figure

bound = dl.stability_bound(result.X_train)
study = dl.lr_study(result.X_train, result.y_train, article_lr=0.05)   # 0.05 and rates against the bound
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
