"""The template library's pure core: check an uploaded Word letter template before it is stored.

``check_docx(data) -> CheckReport`` (check.py) opens the file safely (package.py), reads its text
(document.py) and what its tags use (variables.py); preview.py renders one for the sample cases.
The database side (who may see which template, storing versions, resolving a template for a
letter) is the service appeals.services.letter_library.
"""

from .check import CheckReport, Problem, VariableReport, check_docx, letter_variable_names
from .package import MAX_MEMBERS, MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES

__all__ = [
    "CheckReport", "Problem", "VariableReport", "check_docx", "letter_variable_names",
    "MAX_MEMBERS", "MAX_UNPACKED_BYTES", "MAX_UPLOAD_BYTES",
]
