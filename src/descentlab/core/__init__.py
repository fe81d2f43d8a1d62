"""The learning itself: model -> loss -> gradient -> optimizer step -> History.

Files in the order of the data's flow: ``activations``, ``losses``, ``models`` (the
``Model`` interface every model shares, the affine map and its gradient), ``layers`` and
``network`` (backpropagation), ``optimizers`` and ``schedules`` (the update), ``batches``
(the held-out rows and each epoch's mini-batches), ``objectives`` (what the loop minimises,
batch by batch), ``trainer`` (the one loop), ``history``
(its record), and the facts around them: ``quadratic`` (the squared loss as a quadratic;
least squares), ``stepsize`` (curvature, the step size, the stable bound, the regimes of
a rate), ``scaling`` (standardisation, the constant-column rule) and ``metrics``.
Nothing here imports a room above.
"""
