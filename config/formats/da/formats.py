# "26. marts 2026", "torsdag 26. marts 2026 kl. 14:00" (the templates add the weekday and "kl.").
DATE_FORMAT = "j. F Y"
DATETIME_FORMAT = "j. F Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. F"
