"""Cells of the notebook 02-beyond-one-neuron: markdown and code, written by ``make_notebooks.py``."""

from cells import SETUP, code, md

CELLS = [
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
