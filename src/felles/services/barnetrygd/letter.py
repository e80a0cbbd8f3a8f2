"""The decision letter (vedtaksbrev) for barnetrygd at birth, in bokmål, nynorsk and English.

Each letter is a small accessible HTML document: ``lang`` on ``<html>``, one ``<h1>``, a
heading for each part, the periods in a table with a caption and ``th scope``, amounts written
the Norwegian way (``1 968 kr``), and the law as Lovdata links. It says what the recipient gets
and why, how to appeal and by when (``klage["frist"]``, folketrygdloven § 21-12), the right to
see the case documents (forvaltningsloven § 18) and the duty to report changes.

For a caseworker's refusal (``avslag``) there is no grant; the caseworker's written reason is
shown instead of the periods.

Every name, reason and other value from outside is HTML-escaped. The letter never shows an
address (not even the municipality): a child or parent with a protected address must not be
located from a letter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from html import escape
from typing import Any, Final

from felles.rules.letters import kroner
from felles.services.barnetrygd.rates import FINNMARK, SVALBARD, Grant, supplement_from
from felles.services.operations import AVSLAG, INNVILGET, Letter

LANGUAGES: Final = ("nb", "nn", "en")

BARNETRYGDLOVEN: Final = "https://lovdata.no/lov/2002-03-08-4"
FOLKETRYGDLOVEN_21_12: Final = "https://lovdata.no/lov/1997-02-28-19/§21-12"
FORVALTNINGSLOVEN_18: Final = "https://lovdata.no/lov/1967-02-10/§18"

_MONTHS: Final = {
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
_MONTHS["nn"] = _MONTHS["nb"]

#: The texts of each language. Placeholders are filled with escaped values only.
_TEXT: Final[dict[str, dict[str, str]]] = {
    "nb": {
        "title": "Vedtak om barnetrygd",
        "h1_innvilget": "Du får barnetrygd for {child}",
        "h1_avslag": "Du får ikke barnetrygd for {child}",
        "meta": "Vedtaksdato: {decided}. Saksnummer: {sak}.",
        "greeting": "Hei, {recipient}.",
        "intro_innvilget": (
            "NAV har vedtatt at du får barnetrygd for {child} fra og med {start} til og med "
            "{end}. Du trenger ikke å søke: vi har gjort vedtaket automatisk fordi barnet er født."
        ),
        "intro_avslag": (
            "NAV har behandlet saken om barnetrygd for {child} og kommet fram til at du ikke har "
            "rett til barnetrygd."
        ),
        "h2_amount": "Dette får du",
        "caption": "Barnetrygd for {child} per måned",
        "fom": "Fra og med",
        "tom": "Til og med",
        "amount": "Beløp per måned",
        "paid_until": (
            "Barnetrygden blir betalt ut til og med måneden før barnet fyller 18 år. Beløpene "
            "etter vedtaksdatoen bygger på satsene som gjelder i dag. Hvis Stortinget endrer "
            "satsene, endrer vi barnetrygden uten at du trenger å gjøre noe."
        ),
        "h2_why_innvilget": "Hvorfor du får barnetrygd",
        "why_innvilget": (
            "Du får barnetrygd fordi barnet er født og bor sammen med deg, og fordi både du og "
            "barnet er bosatt i Norge og har lovlig opphold her. Barnetrygd gis for barn under "
            "18 år, fra måneden etter at barnet er født."
        ),
        "supplement_finnmark": (
            "Fra og med {start} inkluderer beløpet finnmarkstillegget, fordi barnet bor i "
            "Finnmark eller Nord-Troms."
        ),
        "supplement_svalbard": (
            "Fra og med {start} inkluderer beløpet svalbardtillegget, fordi barnet bor på Svalbard."
        ),
        "h2_why_avslag": "Hvorfor du ikke får barnetrygd",
        "reason_lead": "Saksbehandlerens begrunnelse:",
        "conditions": (
            "For å få barnetrygd må barnet være under 18 år og bo fast hos deg, og både du og "
            "barnet må være bosatt i Norge og ha lovlig opphold her."
        ),
        "h2_law": "Regelverket vi har brukt",
        "law": "barnetrygdloven",
        "section": "§ {n}",
        "law_2": "hvem som har rett til barnetrygd",
        "law_4": "krav om opphold i Norge",
        "law_10": "hvor mye barnetrygd er",
        "law_11": "når barnetrygden starter og stopper",
        "h2_klage": "Du har rett til å klage",
        "klage": (
            "Hvis du mener vedtaket er feil, kan du klage. Klagefristen er {weeks} uker, jf. "
            "{law}, og klagen må være sendt senest {frist}. Skriv hva du mener er feil, og send "
            "klagen til {instans}. Oppgi saksnummer {sak}."
        ),
        "klage_law": "folketrygdloven § 21-12",
        "h2_innsyn": "Du har rett til innsyn",
        "innsyn": "Du har rett til å se dokumentene i saken din, jf. {law}.",
        "innsyn_law": "forvaltningsloven § 18",
        "h2_changes": "Du må si fra om endringer",
        "changes": (
            "Si fra til NAV hvis barnet ikke lenger bor fast hos deg, eller hvis du eller barnet "
            "flytter fra Norge."
        ),
        "signature": "Med vennlig hilsen NAV",
    },
    "nn": {
        "title": "Vedtak om barnetrygd",
        "h1_innvilget": "Du får barnetrygd for {child}",
        "h1_avslag": "Du får ikkje barnetrygd for {child}",
        "meta": "Vedtaksdato: {decided}. Saksnummer: {sak}.",
        "greeting": "Hei, {recipient}.",
        "intro_innvilget": (
            "NAV har vedteke at du får barnetrygd for {child} frå og med {start} til og med "
            "{end}. Du treng ikkje søkje: vi har gjort vedtaket automatisk fordi barnet er fødd."
        ),
        "intro_avslag": (
            "NAV har behandla saka om barnetrygd for {child} og kome fram til at du ikkje har "
            "rett til barnetrygd."
        ),
        "h2_amount": "Dette får du",
        "caption": "Barnetrygd for {child} per månad",
        "fom": "Frå og med",
        "tom": "Til og med",
        "amount": "Beløp per månad",
        "paid_until": (
            "Barnetrygda blir betalt ut til og med månaden før barnet fyller 18 år. Beløpa etter "
            "vedtaksdatoen byggjer på satsane som gjeld i dag. Dersom Stortinget endrar satsane, "
            "endrar vi barnetrygda utan at du treng å gjere noko."
        ),
        "h2_why_innvilget": "Kvifor du får barnetrygd",
        "why_innvilget": (
            "Du får barnetrygd fordi barnet er fødd og bur saman med deg, og fordi både du og "
            "barnet er busette i Noreg og har lovleg opphald her. Barnetrygd blir gitt for born "
            "under 18 år, frå månaden etter at barnet er fødd."
        ),
        "supplement_finnmark": (
            "Frå og med {start} inkluderer beløpet finnmarkstillegget, fordi barnet bur i "
            "Finnmark eller Nord-Troms."
        ),
        "supplement_svalbard": (
            "Frå og med {start} inkluderer beløpet svalbardtillegget, fordi barnet bur på Svalbard."
        ),
        "h2_why_avslag": "Kvifor du ikkje får barnetrygd",
        "reason_lead": "Grunngivinga frå saksbehandlaren:",
        "conditions": (
            "For å få barnetrygd må barnet vere under 18 år og bu fast hos deg, og både du og "
            "barnet må vere busette i Noreg og ha lovleg opphald her."
        ),
        "h2_law": "Regelverket vi har brukt",
        "law": "barnetrygdlova",
        "section": "§ {n}",
        "law_2": "kven som har rett til barnetrygd",
        "law_4": "krav om opphald i Noreg",
        "law_10": "kor mykje barnetrygda er",
        "law_11": "når barnetrygda byrjar og sluttar",
        "h2_klage": "Du har rett til å klage",
        "klage": (
            "Dersom du meiner vedtaket er feil, kan du klage. Klagefristen er {weeks} veker, jf. "
            "{law}, og klaga må vere send seinast {frist}. Skriv kva du meiner er feil, og send "
            "klaga til {instans}. Oppgi saksnummer {sak}."
        ),
        "klage_law": "folketrygdlova § 21-12",
        "h2_innsyn": "Du har rett til innsyn",
        "innsyn": "Du har rett til å sjå dokumenta i saka di, jf. {law}.",
        "innsyn_law": "forvaltningslova § 18",
        "h2_changes": "Du må seie frå om endringar",
        "changes": (
            "Sei frå til NAV dersom barnet ikkje lenger bur fast hos deg, eller dersom du eller "
            "barnet flyttar frå Noreg."
        ),
        "signature": "Med venleg helsing NAV",
    },
    "en": {
        "title": "Decision on child benefit",
        "h1_innvilget": "You will receive child benefit for {child}",
        "h1_avslag": "You will not receive child benefit for {child}",
        "meta": "Date of decision: {decided}. Case number: {sak}.",
        "greeting": "Dear {recipient},",
        "intro_innvilget": (
            "NAV has decided that you will receive child benefit for {child} from {start} up to "
            "and including {end}. You do not need to apply: we made this decision automatically "
            "because the child has been born."
        ),
        "intro_avslag": (
            "NAV has considered the question of child benefit for {child} and concluded that you "
            "are not entitled to child benefit."
        ),
        "h2_amount": "What you will receive",
        "caption": "Child benefit for {child} per month",
        "fom": "From",
        "tom": "To (inclusive)",
        "amount": "Amount per month",
        "paid_until": (
            "Child benefit is paid up to and including the month before the child turns 18. The "
            "amounts after the date of this decision are based on the current rates. If the "
            "Storting (the Norwegian parliament) changes the rates, we will adjust your child "
            "benefit without you having to do anything."
        ),
        "h2_why_innvilget": "Why you receive child benefit",
        "why_innvilget": (
            "You receive child benefit because the child has been born and lives with you, and "
            "because both you and the child are resident in Norway and have lawful residence "
            "here. Child benefit is paid for children under 18, from the month after the child "
            "is born."
        ),
        "supplement_finnmark": (
            "From {start}, the amount includes the Finnmark supplement, because the child lives "
            "in Finnmark or Nord-Troms."
        ),
        "supplement_svalbard": (
            "From {start}, the amount includes the Svalbard supplement, because the child lives "
            "on Svalbard."
        ),
        "h2_why_avslag": "Why you will not receive child benefit",
        "reason_lead": "The caseworker's reasons:",
        "conditions": (
            "To receive child benefit, the child must be under 18 and live permanently with you, "
            "and both you and the child must be resident in Norway and have lawful residence "
            "here."
        ),
        "h2_law": "The rules we have applied",
        "law": "the Child Benefit Act",
        "section": "section {n}",
        "law_2": "who is entitled to child benefit",
        "law_4": "residence in Norway",
        "law_10": "the amount of child benefit",
        "law_11": "when child benefit starts and stops",
        "h2_klage": "You have the right to appeal",
        "klage": (
            "If you think the decision is wrong, you can appeal. The deadline is {weeks} weeks, "
            "see {law}, and your appeal must be sent no later than {frist}. Explain what you "
            "think is wrong and send the appeal to {instans}. Please quote case number {sak}."
        ),
        "klage_law": "section 21-12 of the National Insurance Act",
        "h2_innsyn": "You have the right to see your case documents",
        "innsyn": "You have the right to see the documents in your case, see {law}.",
        "innsyn_law": "section 18 of the Public Administration Act",
        "h2_changes": "You must tell us about changes",
        "changes": (
            "Tell NAV if the child no longer lives permanently with you, or if you or the child "
            "move out of Norway."
        ),
        "signature": "Yours sincerely, NAV",
    },
}

_SECTIONS: Final = ("2", "4", "10", "11")


def _date(day: date, lang: str) -> str:
    month = _MONTHS[lang][day.month - 1]
    return f"{day.day} {month} {day.year}" if lang == "en" else f"{day.day}. {month} {day.year}"


def _month(day: date, lang: str) -> str:
    return f"{_MONTHS[lang][day.month - 1]} {day.year}"


def _time(day: date, lang: str) -> str:
    return f'<time datetime="{day.isoformat()}">{_date(day, lang)}</time>'


def _link(href: str, text: str) -> str:
    return f'<a href="{escape(href)}">{text}</a>'


def _paragraphs(text: str) -> str:
    """Plain text as escaped paragraphs (blank lines part them, single newlines are breaks)."""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(
        "<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>" for block in blocks
    )


def _table(grant: Grant, child: str, lang: str) -> str:
    t = _TEXT[lang]
    rows = "".join(
        "<tr>"
        f'<th scope="row">{_time(p.fom, lang)}</th>'
        f"<td>{_time(p.tom, lang)}</td>"
        f"<td>{escape(kroner(p.beloep, lang))}</td>"
        "</tr>"
        for p in grant.periods
    )
    return (
        "<table>"
        f"<caption>{t['caption'].format(child=child)}</caption>"
        "<thead><tr>"
        f'<th scope="col">{t["fom"]}</th>'
        f'<th scope="col">{t["tom"]}</th>'
        f'<th scope="col">{t["amount"]}</th>'
        "</tr></thead>"
        f"<tbody>{rows}</tbody>"
        "</table>"
    )


def _supplement(grant: Grant, lang: str) -> str:
    klass = grant.explanation.get("kommune_class")
    start = supplement_from(klass) if isinstance(klass, str) else None
    if start is None or start > grant.period_to or klass not in (FINNMARK, SVALBARD):
        return ""
    first = max(start, grant.periods[0].fom if grant.periods else start)
    key = "supplement_finnmark" if klass == FINNMARK else "supplement_svalbard"
    return f"<p>{_TEXT[lang][key].format(start=_month(first, lang))}</p>"


@cache
def _laws(lang: str) -> str:
    t = _TEXT[lang]
    items = "".join(
        "<li>"
        + _link(f"{BARNETRYGDLOVEN}/§{n}", f"{t['law']} {t['section'].format(n=n)}")
        + f" ({t[f'law_{n}']})</li>"
        for n in _SECTIONS
    )
    return f"<ul>{items}</ul>"


def _letter(
    lang: str,
    *,
    outcome: str,
    grant: Grant | None,
    child: str,
    recipient: str,
    decided_on: date,
    klage: Mapping[str, Any],
    sak_id: int,
    reason: str | None,
) -> Letter:
    t = _TEXT[lang]
    sak = escape(str(sak_id))
    parts = [
        f"<h1>{t[f'h1_{outcome}'].format(child=child)}</h1>",
        f"<p>{t['meta'].format(decided=_time(decided_on, lang), sak=sak)}</p>",
        f"<p>{t['greeting'].format(recipient=recipient)}</p>",
    ]
    if grant is not None:
        parts += [
            "<p>"
            + t["intro_innvilget"].format(
                child=child,
                start=_month(grant.period_from, lang),
                end=_month(grant.period_to, lang),
            )
            + "</p>",
            f"<h2>{t['h2_amount']}</h2>",
            _table(grant, child, lang),
            f"<p>{t['paid_until']}</p>",
            f"<h2>{t['h2_why_innvilget']}</h2>",
            f"<p>{t['why_innvilget']}</p>",
            _supplement(grant, lang),
        ]
    else:
        parts += [
            f"<p>{t['intro_avslag'].format(child=child)}</p>",
            f"<h2>{t['h2_why_avslag']}</h2>",
            f"<p>{t['reason_lead']}</p>",
            f"<blockquote>{_paragraphs(reason or '')}</blockquote>",
            f"<p>{t['conditions']}</p>",
        ]
    frist = date.fromisoformat(str(klage["frist"]))
    instans = escape(str(klage.get("klageinstans") or "NAV"))
    weeks = escape(str(klage.get("fristUker", 6)))
    parts += [
        f"<h2>{t['h2_law']}</h2>",
        _laws(lang),
        f"<h2>{t['h2_klage']}</h2>",
        "<p>"
        + t["klage"].format(
            weeks=weeks,
            law=_link(FOLKETRYGDLOVEN_21_12, t["klage_law"]),
            frist=_time(frist, lang),
            instans=instans,
            sak=sak,
        )
        + "</p>",
        f"<h2>{t['h2_innsyn']}</h2>",
        f"<p>{t['innsyn'].format(law=_link(FORVALTNINGSLOVEN_18, t['innsyn_law']))}</p>",
        f"<h2>{t['h2_changes']}</h2>",
        f"<p>{t['changes']}</p>",
        f"<p>{t['signature']}</p>",
    ]
    body = "".join(part for part in parts if part)
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{t['title']}</title></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return Letter(language=lang, title=t["title"], html=html)


def render_letters(
    *,
    outcome: str,
    grant: Grant | None,
    child_name: str,
    recipient_name: str,
    decided_on: date,
    klage: Mapping[str, Any],
    sak_id: int,
    reason: str | None = None,
) -> list[Letter]:
    """The decision letter in bokmål, nynorsk and English (in that order).

    ``innvilget`` needs the ``grant``; ``avslag`` needs the caseworker's written ``reason``
    (a refusal must give its grounds, forvaltningsloven § 25) and has no grant.
    """
    if outcome == INNVILGET:
        if grant is None:
            raise ValueError("a grant (innvilget) needs the computed grant")
    elif outcome == AVSLAG:
        if grant is not None:
            raise ValueError("a refusal (avslag) has no grant")
        if not reason or not reason.strip():
            raise ValueError("a refusal (avslag) needs the caseworker's written reason")
    else:
        raise ValueError(f"unknown outcome {outcome!r}")
    return [
        _letter(
            lang,
            outcome=outcome,
            grant=grant,
            child=escape(child_name),
            recipient=escape(recipient_name),
            decided_on=decided_on,
            klage=klage,
            sak_id=sak_id,
            reason=reason,
        )
        for lang in LANGUAGES
    ]


__all__ = ["LANGUAGES", "render_letters"]
