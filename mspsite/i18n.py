"""Interface strings through gettext and numbers, dates and money through Babel,
so that a portal in another language needs translations, not code."""

from __future__ import annotations

import datetime
import gettext
import math
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal, format_percent

DOMAIN = "messages"


def N_(text: str) -> str:
    """Mark a string for translation (babel.cfg extracts it); it is translated where it is shown."""
    return text


@cache
def translations(locale_dir: Path | None, lang: str) -> gettext.NullTranslations:
    """The theme's translations for lang; English strings when there are none."""
    if locale_dir is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(locale_dir), languages=[lang, lang.split("-")[0]],
                               fallback=True)


@cache
def locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


class Formats:
    """Formatting for one language."""

    def __init__(self, lang: str, currency: str | None):
        self.locale = locale(lang)
        self.currency = currency

    def date(self, value: datetime.date | None, form: str = "long") -> str:
        return _babel_date(value, format=form, locale=self.locale) if value else ""

    def number(self, value) -> str:
        if value is None:
            return ""
        if isinstance(value, (int, float, Decimal)) and value and not 1e-6 <= abs(value) <= 1e20:
            return f"{value:g}"   # beyond what a locale pattern can show (Babel raises)
        if isinstance(value, str):
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return format_decimal(value, locale=self.locale)

    def money(self, value: Decimal | float | None, currency: str | None = None) -> str:
        if value is None:
            return ""
        if abs(value) > 10**20:   # beyond Babel's 28-digit context; still shown, never a crash
            return f"{currency or self.currency or ''} {value:,.2f}".strip()
        pattern = self.locale.currency_formats["standard"].pattern.split(";")[0]
        if Decimal(value) == Decimal(value).to_integral():
            pattern = re.sub(r"\.0+", "", pattern)  # whole amounts read better without ".00"
        return format_currency(value, currency or self.currency or "XXX", format=pattern, locale=self.locale,
                               currency_digits=False)

    def percent(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return ""
        if not math.isfinite(value) or abs(value) > 1e6:
            return "—"   # a share this large means a near-zero base: no meaningful percentage
        return format_percent(value, locale=self.locale, format="#,##0" + ("." + "0" * digits if digits else "") + "%")
