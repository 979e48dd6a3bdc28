"""Small charts drawn on the server as inline SVG, for the progress pages (a cohort's progress;
the state dossier may reuse them). Each is a picture with a text alternative: role="img" and
a <title> it is labelled by, and every number is also written as text on the page (a table
beside it), so nothing needs JavaScript, or sight, to be read.

The geometry is worked out here; the drawing is in templates/dashboard/_charts/*.html. Colour
is never the only carrier: each bar has its number as text, a fall stands left of the zero
line with a minus sign, and a meter's parts are written out beside it. Styles:
static/css/progress.css (.chart-*).

    {% load progress_charts %}
    {% column_chart points title="…" chart_id="attendance" %}
        points: [{"label": "S1", "value": 75, "text": "75%"}, …], values from 0 to `top`
    {% meter parts title="…" %}
        parts: [{"value": 4, "kind": "done"}, {"value": 2, "kind": "overdue"}, …]
    {% diverging_chart rows title="…" chart_id="change" %}
        rows: [{"label": "Leadership", "value": 0.5, "text": "+0.5"}, …]; value None: no data
"""

from django import template

register = template.Library()

COLUMN_WIDTH = 40
COLUMN_GAP = 14
COLUMN_HEIGHT = 110
LABEL_SPACE = 26  # under the columns: their labels
VALUE_SPACE = 24  # above the columns: their values


@register.inclusion_tag("dashboard/_charts/column.html")
def column_chart(points, *, title, chart_id, top=100):
    """Columns side by side (a strip of sessions), each as tall as its value out of `top`."""
    columns = []
    baseline = VALUE_SPACE + COLUMN_HEIGHT
    for index, point in enumerate(points):
        value = point.get("value")
        height = 0 if value is None else round(COLUMN_HEIGHT * min(value, top) / top)
        x = index * (COLUMN_WIDTH + COLUMN_GAP)
        columns.append(
            {
                **point,
                "x": x,
                "y": baseline - height,
                "height": height,
                "centre": x + COLUMN_WIDTH // 2,
                "value_y": baseline - height - 7,
                "label_y": baseline + 19,
                "empty": value is None,
            }
        )
    width = max(len(points), 1) * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP
    return {
        "columns": columns,
        "title": title,
        "chart_id": chart_id,
        "width": width,
        "height": baseline + LABEL_SPACE,
        "column_width": COLUMN_WIDTH,
        "baseline": baseline,
        "guide_y": VALUE_SPACE,  # the line at `top` (100%)
    }


METER_WIDTH = 120
METER_HEIGHT = 12


@register.inclusion_tag("dashboard/_charts/meter.html")
def meter(parts, *, title, total=None):
    """One bar split into parts side by side (done, overdue, the rest), out of `total` (the
    sum of the parts by default). Its title says the numbers; write them beside it too."""
    total = total if total is not None else sum(part["value"] for part in parts)
    segments, x = [], 0
    for part in parts:
        width = round(METER_WIDTH * part["value"] / total) if total else 0
        width = min(width, METER_WIDTH - x)
        if width > 0:
            segments.append({**part, "x": x, "width": width})
            x += width
    return {
        "segments": segments,
        "title": title,
        "width": METER_WIDTH,
        "height": METER_HEIGHT,
    }


DIVERGING_LABELS = 210  # the names on the left
DIVERGING_HALF = 130  # from the zero line to ±`reach`
DIVERGING_ROW = 30
DIVERGING_VALUE = 50  # room for the value beside a bar


@register.inclusion_tag("dashboard/_charts/diverging.html")
def diverging_chart(rows, *, title, chart_id, reach=3):
    """Bars left (below zero) or right (above) of a zero line: a change per row, from
    -`reach` to +`reach`."""
    zero = DIVERGING_LABELS + DIVERGING_VALUE + DIVERGING_HALF
    bars = []
    for index, row in enumerate(rows):
        value = row.get("value")
        length = 0 if value is None else round(DIVERGING_HALF * min(abs(value), reach) / reach)
        y = index * DIVERGING_ROW
        negative = value is not None and value < 0
        bars.append(
            {
                **row,
                "y": y + 7,
                "text_y": y + 21,
                "x": zero - length if negative else zero,
                "length": length,
                "negative": negative,
                "empty": value is None,
                "value_x": (zero - length - 6) if negative else (zero + length + 6),
            }
        )
    return {
        "bars": bars,
        "title": title,
        "chart_id": chart_id,
        "zero": zero,
        "width": zero + DIVERGING_HALF + DIVERGING_VALUE,
        "height": max(len(rows), 1) * DIVERGING_ROW + 6,
        "label_x": DIVERGING_LABELS - 8,
    }


@register.filter
def signed(value, places=1):
    """A change with its sign: '+0.5', '−1.0' (a true minus), '0.0'; '' for no value."""
    if value is None or value == "":
        return ""
    number = round(float(value), int(places))
    text = f"{abs(number):.{int(places)}f}"
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"\u2212{text}"
    return text
