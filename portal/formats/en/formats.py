# 2 February 2027: a day (template filter `date`, the date fields).
DATE_FORMAT = "j F Y"
# Tue 2 Feb 2027, 10:00 MST: a moment, in the reader's zone (portal_time's `when`).
DATETIME_FORMAT = "D j M Y, H:i T"
# Tue 2 Feb: a day in a list whose year is plain from the rest of the page.
MONTH_DAY_FORMAT = "D j M"
