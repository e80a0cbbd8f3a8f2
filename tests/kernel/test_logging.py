from __future__ import annotations

import logging

import pytest

from felles.kernel.logging import RedactingFilter, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("looked up 17868549939", "looked up ***********"),
        ("fnr 178685 49939 given", "fnr *********** given"),
        ("mail ola.nordmann@example.com now", "mail ***@*** now"),
        ("seq 123456789012 and orgnr 974760673", "seq 123456789012 and orgnr 974760673"),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_filter_masks_arguments_of_a_record() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "person %s moved", ("17868549939",), None
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "person *********** moved"


def test_logging_follows_a_replaced_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    """A handler set up earlier writes to the stderr of now, not a closed one."""
    import io
    import logging

    from felles.kernel.logging import configure_logging

    configure_logging("INFO")
    old = io.StringIO()
    monkeypatch.setattr("sys.stderr", old)
    old.close()
    now = io.StringIO()
    monkeypatch.setattr("sys.stderr", now)
    logging.getLogger("felles.test").info("hei")
    assert "hei" in now.getvalue()
