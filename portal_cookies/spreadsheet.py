"""Cells of the CSV files people open in a spreadsheet: never run as a formula, and read back
exactly as they were written.

A cell that a spreadsheet would read as the start of a formula (or of a cell to split) is
written with an apostrophe in front, which spreadsheets show as text ("CSV injection"). A
cell already starting with apostrophes before such a character gets one more, so that taking
one away on reading gives back every value exactly, whatever it was.
"""

# What a spreadsheet reads as the start of a formula (or of a cell to be split).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


def _needs_neutralising(text: str) -> bool:
    return text.lstrip(NEUTRALISER).startswith(FORMULA_STARTS)


def neutralise_cell(value: object) -> str:
    """A value as a cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return NEUTRALISER + text if _needs_neutralising(text) else text


def restore_cell(cell: str) -> str:
    """The value ``neutralise_cell`` wrote as ``cell``."""
    if cell.startswith(NEUTRALISER) and _needs_neutralising(cell):
        return cell[len(NEUTRALISER) :]
    return cell
