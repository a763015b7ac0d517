"""Schemathesis hooks for `make test-fuzz`.

Each filter drops only generated requests that break a rule JSON Schema cannot state; the rule is
written in the operation's description in the OpenAPI document, and the service answers such a
request with a 400 naming the parameter (tested in test/unit and test/integration). Everything else
the generator draws is sent as drawn.
"""

from datetime import datetime, timedelta, timezone

import jsonschema_rs
import schemathesis

HOUR = timedelta(hours=1)
STEP = {"hour": HOUR, "day": 24 * HOUR, "week": 7 * 24 * HOUR}
DEFAULT_RANGE = timedelta(days=30)  # API_DEFAULT_RANGE_DAYS
MAX_TREND_POINTS = 5000  # api/routes/aspects.routes.ts
RAW_AGGREGATE_MAX = timedelta(days=31)  # API_RAW_AGGREGATE_MAX_DAYS
TEXT_MAX_UTF16_UNITS = 20_000  # schemas/limits.ts
FUTURE_SKEW = timedelta(hours=24)  # CREATED_AT_MAX_AHEAD_HOURS (schemas/bounds.ts)
MAX_AGE = timedelta(days=3650)  # CREATED_AT_MAX_AGE_DAYS (schemas/bounds.ts)
# NAME_PATTERN of api/openapi/document.ts, for the parameters that use it
NAME = jsonschema_rs.validator_for({"type": "string", "pattern": r"^[\p{L}\p{N}][\p{L}\p{N} ._:/&+#@-]*$"})
NAME_PARAMETERS = ("entity", "aspect", "category")


def _when(value):
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _query_ok(path, query):
    """Read API: `from` must be before `to`; a trend has at most 5000 points; a summary with `lang`
    or `source`, and the list of sources, span at most 31 days; `cursor` must be one the API
    returned (a generated one never is)."""
    if not isinstance(query, dict):
        return True
    if "cursor" in query:
        return False
    start, end = _when(query.get("from")), _when(query.get("to"))
    if "to" in query and end is None or "from" in query and start is None:
        return True  # not a date-time at all: a negative case, sent as drawn
    now = datetime.now(timezone.utc)
    try:
        end = end or now
        start = start or end - DEFAULT_RANGE
    except OverflowError:
        return False
    if start >= end:
        return False
    raw_scan = path.endswith("/sources") or (
        path.endswith("/aspects/summary") and ("lang" in query or "source" in query)
    )
    if raw_scan and end - start > RAW_AGGREGATE_MAX:
        return False
    interval = query.get("interval", "day") if path.endswith("/aspects/trends") else None
    if isinstance(interval, str) and interval in STEP:
        try:
            if (end - start) / STEP[interval] > MAX_TREND_POINTS - 2:
                return False
        except OverflowError:
            return False
    return True


def _utf16_units(text):
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _body_ok(body):
    """Collector: text in UTF-16 code units, created_at from ten years back to 24 hours ahead."""
    if not isinstance(body, dict) or not isinstance(body.get("documents"), list):
        return True
    now = datetime.now(timezone.utc)
    latest = now + FUTURE_SKEW - timedelta(minutes=5)
    earliest = now - MAX_AGE + timedelta(minutes=5)
    for doc in body["documents"]:
        if not isinstance(doc, dict):
            continue
        text = doc.get("text")
        if isinstance(text, str) and _utf16_units(text) > TEXT_MAX_UTF16_UNITS:
            return False
        raw = doc.get("created_at")
        created = _when(raw)
        if isinstance(raw, str) and raw[:4].isdigit() and int(raw[:4]) < 1970:
            return False  # includes years Python's datetime cannot hold (0000)
        if created is not None and not (earliest <= created <= latest):
            return False
    return True


def _misjudged_negative(case):
    """The generator negates `pattern` with a regex engine for which letters outside the Basic
    Multilingual Plane (CJK Extension B, e.g. U+23B27) are not \\p{L}: such a "negative" value is
    valid by the schema (jsonschema_rs, the validator schemathesis itself checks with, agrees) and the
    API rightly accepts it. Only negative cases with such a value in a NAME_PATTERN parameter go."""
    mode = getattr(getattr(getattr(getattr(case, "meta", None), "generation", None), "mode", None), "value", None)
    if mode != "negative" or not isinstance(case.query, dict):
        return False
    return any(
        isinstance(value, str) and any(ord(c) > 0xFFFF for c in value) and NAME.is_valid(value)
        for name, value in case.query.items()
        if name in NAME_PARAMETERS
    )


# Case-level hooks: the coverage phase applies only these; the other phases apply them too.
@schemathesis.hook
def filter_case(ctx, case):
    return (
        _query_ok(case.operation.path, case.query)
        and _body_ok(case.body)
        and not _misjudged_negative(case)
    )
