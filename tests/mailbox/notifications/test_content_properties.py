"""Properties of the content rule: an identity number anywhere in a text is refused, and a
rendered text keeps no keyword and no name but the one given."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from felles.kernel.errors import InvalidInput
from felles.mailbox.notifications.content import check_text, default_texts, render

_words = st.text(alphabet=st.characters(categories=("L", "Zs")), max_size=40)


@given(
    before=_words,
    after=_words,
    number=st.from_regex(r"\A\d{11}\Z"),
    separator=st.sampled_from(["", " ", "-"]),
)
def test_an_identity_number_anywhere_is_refused(
    before: str, after: str, number: str, separator: str
) -> None:
    text = f"{before} {number[:6]}{separator}{number[6:]} {after}"
    with pytest.raises(InvalidInput) as refused:
        check_text(text, field="body", max_length=1000)
    assert number[:6] not in refused.value.detail


@given(
    name=st.one_of(st.none(), st.text(alphabet=st.characters(categories=("L",)), min_size=1)),
    kind=st.sampled_from(["letter", "task"]),
    language=st.sampled_from(["nb", "nn", "en", "se", None]),
    reminder=st.booleans(),
)
def test_default_texts_render_without_keywords(
    name: str | None, kind: str, language: str | None, reminder: bool
) -> None:
    texts = default_texts(
        kind, language or "nb", portal="https://minside.example/", reminder=reminder
    )
    for text in (texts.subject, texts.email_body, texts.sms_body):
        check_text(text, field="default", max_length=10_000)  # the defaults obey the rule
        rendered = render(text, name=name)
        assert "$" not in rendered
        if name is None:  # the greeting closes up around the missing name
            for line in rendered.splitlines():
                assert "  " not in line and " ," not in line
