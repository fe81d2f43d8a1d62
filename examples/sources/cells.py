"""The two kinds of cell and the setup every notebook starts with."""

from nbformat.v4 import new_code_cell, new_markdown_cell

def md(text):
    return new_markdown_cell(text.strip())


def code(text, *tags):
    cell = new_code_cell(text.strip())
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


SETUP = """
%matplotlib inline
import numpy as np
import descentlab as dl
"""
