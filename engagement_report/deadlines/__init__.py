"""Answer deadlines for citizens' queries and whether they were met.

Kazakhstan's Administrative Procedural Code (art. 76): an appeal is answered within
15 working days, the head of the body may extend the term by a reasoned decision
(up to two months), and an appeal sent to the wrong body is forwarded within
3 working days.  The term runs from registration (art. 64): an appeal that arrives
on a working day before the end of working hours is registered that day, one that
arrives after working hours or on a non-working day on the next working day (a date
without a time is taken as arriving within working hours).  The term's first day is
the working day after registration, and the deadline is the whole N-th working day,
met by an answer any time that day.  A deadline given with a time of day (a ``deadline``
column such as NYC's ``Due Date``) is that moment instead.

Working days come from the ``holidays`` library.  For KZ (checked with holidays
0.109) the library already contains everything the government decides each year:
weekend holidays carry "(observed)" substitute days off (Nauryz 21 March 2021 on a
Sunday → Wednesday 24 March off), transfers appear as "Day off (substituted from
…)" holidays, and the Saturdays/Sundays that become working days in exchange are
listed in ``weekend_workdays`` (e.g. Sunday 2020-12-20, Saturday 2021-07-03).  We
use all of it rather than hardcoding dates; ``extra_holidays`` and
``extra_working_days`` cover decrees the library does not know yet.

One module per job: working days (``calendar``), each query's deadline (``terms``),
whether it was met (``classes``), and the export's own overdue mark beside that
(``marks``).
"""

from engagement_report.deadlines.calendar import WorkingCalendar, working_days_between
from engagement_report.deadlines.classes import (
    DEADLINE_CLASSES,
    DeadlineFigures,
    classes_at,
    closed_undated,
    longest_open,
)
from engagement_report.deadlines.marks import (
    MarkDisagreement,
    MarkPart,
    OverdueMarks,
    mark_part,
    marks_of,
)
from engagement_report.deadlines.terms import (
    DeadlineInputs,
    DeadlineRules,
    compute_deadlines,
    deadline_inputs,
)

__all__ = [
    "DEADLINE_CLASSES",
    "DeadlineFigures",
    "DeadlineInputs",
    "DeadlineRules",
    "MarkDisagreement",
    "MarkPart",
    "OverdueMarks",
    "WorkingCalendar",
    "classes_at",
    "closed_undated",
    "compute_deadlines",
    "deadline_inputs",
    "longest_open",
    "mark_part",
    "marks_of",
    "working_days_between",
]
