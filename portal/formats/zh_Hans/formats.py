"""Dates as the back office writes them: what the admin's date picker writes is what the lists,
read-only fields and history pages show (2026-03-02, 2026-03-02 14:05), so a date is read and
typed one way. The public pages and the letters write dates out in Chinese (2026年3月2日) with an
explicit format; what is not set here comes from Django's zh_Hans formats.
"""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# What the date picker writes and what a form shows first: the same ISO date as the lists.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M"]
