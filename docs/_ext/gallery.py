"""The gallery's figures, drawn by descentlab during the docs build (nothing committed).

Each entry is ``(name, title, caption, draw)``; ``draw(runs)`` returns a matplotlib
Figure (or PNG bytes), ``runs`` the lessons trained once for all of them.
"""

import functools
from pathlib import Path

DPI = 80


class Runs:
    """Every lesson the gallery draws from, trained once, lazily, with the defaults."""

    @functools.cached_property
    def tutorial(self):
        from descentlab.lessons.article import run_tutorial

        return run_tutorial(log=None)

    @functools.cached_property
    def study(self):
        from descentlab.lessons.lr_study import lr_study

        r = self.tutorial
        return lr_study(r.X_train, r.y_train, article_lr=r.config.lr)

    @functools.cached_property
    def collapse(self):
        from descentlab.lessons.collapse import run_collapse

        return run_collapse()

    @functools.cached_property
    def nonlinear(self):
        from descentlab.lessons.nonlinear import NonlinearConfig, run_nonlinear

        return run_nonlinear(NonlinearConfig(epochs=2000))

    @functools.cached_property
    def logistic(self):
        from descentlab.lessons.logistic import run_logistic

        return run_logistic()


def _data(runs):
    from descentlab.viz.article import plot_graph

    d = runs.tutorial.data
    return plot_graph({"X": d.X, "y": d.y})


def _epoch(runs):
    from descentlab.viz.article import epoch_figure

    r = runs.tutorial
    return epoch_figure(r.history, r.X_train, r.y_train, r.history.n_epochs - 1)


def _history(runs):
    from matplotlib.figure import Figure

    from descentlab.viz.history import plot_history

    ax = Figure(figsize=(6, 4), layout="constrained").subplots()
    plot_history(runs.tutorial.history, ax=ax)
    return ax.figure


def _cost(runs):
    from descentlab.viz.surface import cost_vs_m_figure

    r = runs.tutorial
    return cost_vs_m_figure(r.history, r.X_train, r.y_train)


def _surface(runs):
    from descentlab.viz.surface import loss_surface_figure

    r = runs.tutorial
    return loss_surface_figure(r.history, r.X_train, r.y_train)


def _frame(runs):
    from descentlab.viz.animation import TrainingAnimation

    r = runs.tutorial
    anim = TrainingAnimation(r.history, r.X_train, r.y_train, max_frames=31)
    return anim.png_frames()[len(anim) // 3]


def _board(runs):
    from descentlab.viz.board import LiveBoard

    r = runs.tutorial
    board = LiveBoard(mode="notebook", display=lambda obj, display_id=True: None,
                      series={"m": lambda h: float(h.params["W"][-1][0])})
    for epoch in range(r.history.n_epochs):
        board(epoch, _prefix(r.history, epoch + 1))
    return board.png(r.history)


def _prefix(history, n):
    from descentlab.core.history import History

    return History(loss=history.loss[:n], params={k: v[:n] for k, v in history.params.items()})


def _lr(runs):
    from descentlab.viz.lr_study import lr_study_figure

    return lr_study_figure(runs.study)


def _collapse(runs):
    from descentlab.viz.networks import collapse_figure

    return collapse_figure(runs.collapse)


def _nonlinear(runs):
    from descentlab.viz.networks import nonlinear_figure

    return nonlinear_figure(runs.nonlinear)


def _logistic(runs):
    from descentlab.viz.logistic import boundary_figure

    r = runs.logistic
    return boundary_figure(r.history, r.X_train, r.y_train, r.snapshot_epochs(), accuracy=r.accuracy_trace)


FIGURES = [
    ("data", "The article's data", "200 points from make_regression (one feature, noise 10, "
     "random_state 42): what the article fits a line to.", _data),
    ("epoch_060", "The line after 61 epochs", "The article's two panels at the last epoch: the "
     "line after that epoch's update on the training points, and the loss so far.", _epoch),
    ("history_plot", "plot_history(history)", "The loss of every epoch of the article's run, drawn "
     "from its History.", _history),
    ("cost_vs_m", "The cost against m", "L(m, b*) with b held at its least-squares value; a is "
     "the optimum, every epoch's m sits on the curve, the tangents are the slopes dL/dm that "
     "the updates subtract.", _cost),
    ("loss_surface", "The loss surface", "The bowl L(m, b) and its contour map, with the "
     "descent path (one point per epoch) and the least-squares minimum (star).", _surface),
    ("animation_frame", "A frame of the animation", "One frame of TrainingAnimation: the line "
     "at the start of an epoch beside the loss computed at exactly that line.", _frame),
    ("live_board", "The live board", "LiveBoard's figure after the article's run, with an extra "
     "recorded series (m): in a notebook it is redrawn in place while training runs.", _board),
    ("lr_study", "Learning rates against the stable bound", "The article's 0.05 and rates at "
     "1%, 50%, 98% and 110% of the bound 2 / lambda_max (the largest rate before each step "
     "overshoots): loss per epoch, then each rate against the bound.", _lr),
    ("collapse", "Two linear layers are one line", "The network's fit, the line W1 W2 and the "
     "least-squares line coincide; the loss falls to the least-squares floor.", _collapse),
    ("nonlinear", "Nonlinearity bends the line", "On a sine curve, linear models stop at the "
     "least-squares floor; tanh networks go below it.", _nonlinear),
    ("logistic", "Logistic regression's decision boundary", "The boundary at several epochs, "
     "then the cross-entropy and the training accuracy over training.", _logistic),
]


def draw_all(folder):
    """Draw every figure of :data:`FIGURES` into ``folder`` as ``NAME.png``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runs = Runs()
    for name, _, _, draw in FIGURES:
        figure = draw(runs)
        path = folder / f"{name}.png"
        if isinstance(figure, bytes):
            path.write_bytes(figure)
        else:
            figure.savefig(path, dpi=DPI)
