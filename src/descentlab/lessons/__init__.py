"""The lessons: each is ``Config -> run -> Result``, trains through the one loop and
writes nothing (files are written by :mod:`descentlab.outputs`).

``article`` (the article's run), ``lr_study`` (one run per learning rate, against the
stable bound), ``collapse`` (a two-layer linear network is one line), ``nonlinear``
(activations bend the line) and ``logistic`` (a classifier and its boundary).
"""
