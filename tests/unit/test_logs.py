import json
import logging
import sys

from shared.observability.logs import CloudLoggingFormatter


def _format(record: logging.LogRecord) -> dict[str, object]:
    return json.loads(CloudLoggingFormatter().format(record))


def test_a_record_becomes_one_json_line_with_severity_and_extra_fields() -> None:
    record = logging.makeLogRecord(
        {"name": "worker", "levelname": "WARNING", "msg": "chunk %d failed", "args": (3,)}
    )
    record.job_id = "abc"

    assert _format(record) == {
        "severity": "WARNING",
        "message": "chunk 3 failed",
        "logger": "worker",
        "job_id": "abc",
    }


def test_an_exception_keeps_its_traceback_in_the_message() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )

    entry = _format(record)

    assert entry["severity"] == "ERROR"
    assert "Traceback" in str(entry["message"]) and "ValueError: boom" in str(entry["message"])
