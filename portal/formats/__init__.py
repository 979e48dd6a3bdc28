"""The portal's date formats, one set per language (settings.FORMAT_MODULE_PATH). A day is
written one way everywhere ("2 February 2027", "2 de febrero de 2027"); a moment, with its
weekday and time, another ("Tue 2 Feb 2027, 10:00 MST"). Spanish writes month names in
lower case, abbreviations too ("dic", "ene"). Django's own formats fill in the rest (what a
date field accepts, numbers)."""
