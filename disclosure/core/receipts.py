"""What a sender keeps to read the answer later: a number of the year and a check code.

The applicant of a request (依申请公开) and the sender of an opinion (意见箱) both get one; the
status pages ask for both, so the code is the one secret. One alphabet for both: letters and digits
that cannot be misread on paper or over the phone (no 0/O, 1/I/L).
"""

from __future__ import annotations

import secrets

CHECK_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECK_CODE_LENGTH = 6


def new_check_code() -> str:
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(CHECK_CODE_LENGTH))


def take_number(counter, year: int, prefix: str) -> tuple[int, str]:
    """The next sequence number of `year` from `counter` (a `YearlyCounter`), and the number shown,
    such as YSQ-2026-0001. Inside the caller's transaction; see YearlyCounter.take."""
    sequence = counter.take(year)
    return sequence, f"{prefix}-{year}-{sequence:04d}"
