"""Importing the roster from the Excel workbooks personnel offices keep."""

from .columns import COLUMNS, Column
from .engine import roster_import
from .results import ImportResult, RowError, SampleRow

__all__ = ["COLUMNS", "Column", "ImportResult", "RowError", "SampleRow", "roster_import"]
