"""Figures, all drawn from data and a History; matplotlib is imported here only."""
