"""The presets are the lessons: each one's settings are read from the lesson's own config, so
the playground's run is the lesson's run (a test trains both and compares them to 1e-9).

=============  =========================================================================
``article``    :class:`descentlab.lessons.article.TutorialConfig`: the article's 61 epochs
``collapse``   :class:`descentlab.lessons.collapse.CollapseConfig`: the article's linear
               network (inputs ``[x, 1]``, no biases), collapsing to one line
``logistic``   :class:`descentlab.lessons.logistic.LogisticConfig`: two overlapping blobs
``momentum``   the article's line in badly scaled units, momentum's lesson
               (:mod:`descentlab.exercises.checks.momentum`'s beta), against plain GD
``ridge``      the estimators' l2 penalty (:class:`descentlab.estimators.GDRegressor`)
               pulling the line flat
=============  =========================================================================

``GET /api/presets`` sends them; a preset may also say how the page shows it (``compare``:
draw plain gradient descent beside it; ``lrOfBound``: a rate as a fraction of the bound).
"""

from typing import Any

from descentlab.lessons.article import TutorialConfig
from descentlab.lessons.collapse import CollapseConfig
from descentlab.lessons.logistic import LogisticConfig

#: Momentum's beta in its lesson (the exercise checks train with it).
MOMENTUM_BETA = 0.9
#: The ridge preset's penalty strength: strong enough to pull the slope visibly flat.
RIDGE_ALPHA = 10.0


def _article_data(config: TutorialConfig | CollapseConfig) -> dict[str, object]:
    """The article's data and split of a lesson's config (an ``ArticleData``)."""
    return {"samples": config.samples, "noise": config.noise, "test_size": config.test_size,
            "seed": config.seed, "data_seed": config.data_seed}


def presets() -> dict[str, dict[str, Any]]:
    """Every preset: name -> ``{"settings": {...}, "view": {...}, "lesson": "..."}``.

    >>> article = presets()["article"]  # the article's run, read from its lesson's config
    >>> article["lesson"], article["settings"]["lr"], article["settings"]["epochs"]
    ('descentlab.lessons.article.run_tutorial', 0.05, 61)
    """
    article, collapse, logistic = TutorialConfig(), CollapseConfig(), LogisticConfig()
    return {
        "article": {"lesson": "descentlab.lessons.article.run_tutorial",
                    "settings": dict(_article_data(article), lr=article.lr, epochs=article.epochs),
                    "view": {}},
        "below": {"lesson": "descentlab.lessons.lr_study", "settings": _article_data(article),
                  "view": {"lrOfBound": 0.95}},
        "above": {"lesson": "descentlab.lessons.lr_study", "settings": _article_data(article),
                  "view": {"lrOfBound": 1.05}},
        "collapse": {"lesson": "descentlab.lessons.collapse.run_collapse",
                     "settings": dict(_article_data(collapse), model="network", activation="identity",
                                      bias_form=collapse.bias, hidden=collapse.hidden, lr=collapse.lr,
                                      epochs=collapse.epochs),
                     "view": {}},
        "logistic": {"lesson": "descentlab.lessons.logistic.run_logistic",
                     "settings": {"data": "blobs", "model": "logistic", "samples": logistic.samples,
                                  "noise": logistic.cluster_std, "test_size": logistic.test_size,
                                  "seed": logistic.seed, "data_seed": logistic.seed, "lr": logistic.lr,
                                  "epochs": logistic.epochs},
                     "view": {}},
        "momentum": {"lesson": "descentlab.exercises.checks.momentum",
                     "settings": dict(_article_data(article), data="scaled", optimizer="momentum",
                                      momentum=MOMENTUM_BETA, lr=0.015, epochs=300),
                     "view": {"compare": True}},
        "ridge": {"lesson": "descentlab.estimators.GDRegressor(penalty='l2')",
                  "settings": dict(_article_data(article), penalty="l2", alpha=RIDGE_ALPHA, lr=0.15,
                                   epochs=300),
                  "view": {}},
        "nonlinear": {"lesson": "descentlab.lessons.nonlinear",
                      "settings": {"data": "sine", "model": "network", "activation": "tanh", "hidden": 16,
                                   "noise": 0.1, "lr": 0.1, "epochs": 2000},
                      "view": {}},
    }
