"""The national view (staff only): the map of the states by where they stand with the
programs, its table, the cohorts running and recent, and what changed since a date."""

from django.shortcuts import render

from cohorts.choices import STATE_NAMES
from dashboard import freshness, national
from dashboard.forms import NationalFiltersForm, SinceForm
from dashboard.national import GRID, GRID_COLUMNS, GRID_ROWS, TERRITORIES, Filters, MapStatus
from dashboard.progress import staff_only, window
from portal.links import url_for_each

PITCH = 60  # a tile's place in the grid, in SVG units; the tile is a little smaller
TILE = 54
GAP_ROW = 36  # between the 50 states and the row of DC and the territories


def _position(code):
    if code in GRID:
        column, row = GRID[code]
        return column * PITCH, row * PITCH
    return TERRITORIES.index(code) * PITCH, GRID_ROWS * PITCH + GAP_ROW


def _tiles(picture, labels, progress_url):
    dossier_url = url_for_each("dashboard:state_dossier")
    tiles = []
    for state in picture.states:
        x, y = _position(state.code)
        name = STATE_NAMES[state.code]
        tiles.append(
            {
                "state": state,
                "name": name,
                "label": labels[state.status],
                "x": x,
                "y": y,
                "cx": x + TILE / 2,
                "cy": y + TILE / 2,
                "url": dossier_url(state.code),
                "cohorts": [{"ref": ref, "url": progress_url(ref.id)} for ref in state.cohorts],
            }
        )
    return tiles


def national_view(request):
    staff_only(request)
    programs, years = freshness.cached("national-choices", national.filter_choices)
    data = request.GET or None
    form = NationalFiltersForm(data, programs=programs, years=years)
    since_form = SinceForm(data)
    filters = Filters(**form.kept()) if data else Filters()
    since = since_form.picked()
    picture = freshness.cached(
        "national", lambda: national.national_picture(filters, window(since)), filters, since
    )

    labels = dict(MapStatus.LABELS)
    if filters.any:
        labels[MapStatus.NEVER] = MapStatus.NEVER_FILTERED
    legend = [
        {"status": status, "label": labels[status], "count": picture.status_counts[status]}
        for status in MapStatus.ORDER
    ]
    progress_url = url_for_each("dashboard:cohort_progress")
    tiles = _tiles(picture, labels, progress_url)
    cohorts = [{"row": row, "url": progress_url(row.id)} for row in picture.cohorts]
    territories_y = GRID_ROWS * PITCH + GAP_ROW
    return render(
        request,
        "dashboard/national.html",
        {
            "form": form,
            "since_form": since_form,
            "filter_errors": [
                (bound.fields[name].label, message)
                for bound in (form, since_form)
                for name, errors in bound.errors.items()
                for message in errors
            ],
            "picture": picture,
            "kept_as": freshness.key("national", filters, since),
            "kept_seconds": freshness.KEPT_SECONDS,
            "tiles": tiles,  # alphabetical, for the table
            # in reading order, row by row, for the map (and the keyboard's way through it)
            "map_tiles": sorted(tiles, key=lambda tile: (tile["y"], tile["x"])),
            "legend": legend,
            "cohorts": cohorts,
            "fifty_percent": round(picture.reached * 100 / 50),
            "map": {
                "width": GRID_COLUMNS * PITCH - (PITCH - TILE),
                "height": territories_y + TILE,
                "tile": TILE,
                # halfway between the last row of states and DC and the territories
                "divider_y": territories_y - (GAP_ROW + PITCH - TILE) // 2,
            },
        },
    )
