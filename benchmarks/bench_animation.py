"""How long the training animation takes to draw and write; prints a table.

    python benchmarks/bench_animation.py [--repeat 3]

Cases: the default tutorial (61 epochs, 61 frames), a million rows (the scatter is a
2,000-point sample), 5,000 epochs (capped at 100 evenly spaced frames) and the logistic
decision boundary (200 epochs, 100 frames). Each time is
the best of ``--repeat`` runs, in seconds. Not part of the test run.
"""

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from descentlab.core.history import History
from descentlab.lessons.article import TutorialConfig, run_tutorial
from descentlab.lessons.logistic import run_logistic
from descentlab.outputs.media import write_frames
from descentlab.viz.animation import TrainingAnimation, ffmpeg_available
from descentlab.viz.logistic import BoundaryAnimation


def best_of(repeat, fn):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def long_history(n_epochs, X, y):
    """A made-up History of ``n_epochs`` epochs, m going from 0 to the data's slope."""
    m_end = float(np.polyfit(X[:, 0], y, 1)[0])
    ms = np.linspace(0.0, m_end, n_epochs)
    return History(loss=list(np.geomspace(1e3, 1.0, n_epochs)),
                   params={"W": [np.array([m]) for m in ms], "b": [np.array(0.0)] * n_epochs},
                   final_params={"W": np.array([m_end]), "b": np.array(0.0)}, status="completed")


def cases():
    """``(name, make)`` pairs: ``make()`` builds the animation."""
    article = run_tutorial(log=None)
    yield "default tutorial (61 epochs, 160 rows)", lambda: TrainingAnimation(
        article.history, article.X_train, article.y_train)
    big = run_tutorial(TutorialConfig(samples=1_000_000), log=None)
    yield "1,000,000 rows (61 epochs)", lambda: TrainingAnimation(big.history, big.X_train, big.y_train)
    long = long_history(5000, article.X_train, article.y_train)
    yield "5,000 epochs (160 rows)", lambda: TrainingAnimation(long, article.X_train, article.y_train)
    logistic = run_logistic()
    yield "logistic boundary (200 epochs)", lambda: BoundaryAnimation(
        logistic.history, logistic.X_train, logistic.y_train, logistic.accuracy_trace)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mp4 = ffmpeg_available()
    header = f"{'case':<40} {'frames':>6} {'build':>7} {'GIF':>7} {'MP4':>7} {'PNGs':>7} {'ms/frame':>8}"
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in cases():
            build = best_of(args.repeat, make)
            anim = make()
            gif = best_of(args.repeat, lambda: write_frames(anim, Path(tmp) / "a.gif"))
            mp4_s = best_of(args.repeat, lambda: write_frames(anim, Path(tmp) / "a.mp4")) if mp4 else float("nan")
            pngs = best_of(args.repeat, anim.png_frames)
            print(f"{name:<40} {len(anim):>6} {build:>7.2f} {gif:>7.2f} {mp4_s:>7.2f} {pngs:>7.2f} "
                  f"{1000 * gif / len(anim):>8.1f}")
    print("seconds, best of", args.repeat, "; MP4 is nan without ffmpeg; PNGs = the report's frames")


if __name__ == "__main__":
    main()
