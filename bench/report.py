"""How the bench prints: aligned tables, and each target as "met" or "NOT met"."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    """One target the issue sets, and whether this run met it."""

    text: str
    ok: bool

    def __str__(self):
        return f"  {'met    ' if self.ok else 'NOT met'}  {self.text}"


def verdict(ok):
    return "met" if ok else "NOT met"


def table(title, header, rows):
    """Print a title and rows of cells; the first column left-aligned, the rest right."""
    print(f"\n{title}")
    cells = [header, *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        line = [row[0].ljust(widths[0])]
        line += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  " + "  ".join(line).rstrip())


def ratio(value):
    return f"{value:.2f}×" if value is not None else "–"
