# 2 de febrero de 2027
DATE_FORMAT = r"j \d\e F \d\e Y"
# mar 2 feb 2027, 10:00 MST: "b" is the month's abbreviation in lower case ("M" would
# capitalise it: "Feb").
DATETIME_FORMAT = "D j b Y, H:i T"
# mar 2 feb
MONTH_DAY_FORMAT = "D j b"
