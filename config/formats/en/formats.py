# British order for a Danish archive: "26 March 2026", "Thursday 26 March 2026 at 14:00", and
# the 24-hour clock the minutes use (Django's "en" would write "March 26, 2026" and "2 p.m.").
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
