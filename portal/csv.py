"""CSV downloads that open cleanly in a spreadsheet: UTF-8 with a byte-order mark (so Excel
reads accents), a header row, streamed row by row, and every cell that a spreadsheet would
take for a formula (starting with =, +, -, @, a tab or a carriage return) neutralised with a
leading apostrophe (OWASP's "CSV injection")."""

import csv

from django.http import StreamingHttpResponse

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell's text, with a leading apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file whose write returns the line, for csv.writer to stream through."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """The file's text, line by line: the BOM, the header, then each row neutralised."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def csv_response(filename, header, rows):
    """A streamed download of `rows` (any iterable of sequences) under `header`."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
