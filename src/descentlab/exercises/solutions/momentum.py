"""A reference solution of the momentum lesson."""


def momentum_update(p, v, g, lr, beta):
    v = beta * v + g
    p = p - lr * v
    return p, v
