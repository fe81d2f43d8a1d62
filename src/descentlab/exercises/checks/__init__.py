"""The checks of each lesson: ``SIGNATURES`` (the functions to write) and ``CHECKS``.

A check is ``(name, run)``; ``run(learner, rng)`` returns a one-line message when the
learner's code passes and raises :class:`descentlab.exercises.judge.Failed` otherwise.
"""
