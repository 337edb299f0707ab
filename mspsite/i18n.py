"""Interface strings through gettext and numbers, dates and money through Babel,
so that a portal in another language needs translations, not code."""

from __future__ import annotations

import datetime
import gettext
import io
import os
import math
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent

DOMAIN = "messages"
CATALOGUE_LIMIT = 5_000_000   # bytes: a catalogue of the whole interface is about 50 KB


def N_(text: str) -> str:
    """Mark a string for translation (babel.cfg extracts it); it is translated where it is shown."""
    return text


def translations(locales: tuple[Path, ...], lang: str, src: Path | None = None) -> gettext.NullTranslations:
    """The interface translations for lang from the catalogues in locales (the first that has a
    string wins: the partnership's own, then its theme's, then the portal theme's); English
    strings where none has one. Catalogues are .po files, compiled here: a translator edits
    the .po and the next build shows it. Those below src (the partnership folder) are read as
    every untrusted theme file is (theme.read_inside)."""
    found = [path for folder in locales for code in dict.fromkeys((lang, lang.split("-")[0]))
             if (path := folder / code / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()]
    return _chain(tuple((path, *_signature(path)) for path in found), lang, src)


def _signature(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_mtime_ns, info.st_size


@cache
def _chain(catalogues: tuple[tuple[Path, int, int], ...], lang: str, src: Path | None) -> gettext.NullTranslations:
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for path, _mtime, _size in reversed(catalogues):   # the last added is asked last
        compiled = _compile(path, lang, src)
        compiled.add_fallback(chain)
        chain = compiled
    return chain


def _compile(path: Path, lang: str, src: Path | None) -> gettext.GNUTranslations:
    """A .po file as gettext reads a .mo; fuzzy and empty entries are left out, as msgfmt does."""
    from .theme import read_inside   # the theme's guarded reader; theme needs i18n first

    inside = src is not None and Path(os.path.abspath(path)).is_relative_to(os.path.abspath(src))
    data = read_inside(src, path, CATALOGUE_LIMIT) if inside else path.read_bytes()
    catalog = read_po(io.BytesIO(data), locale=_babel_code(lang), domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _babel_code(lang: str) -> str | None:
    try:
        return str(Locale.parse(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return None


def collation_key(text: str) -> tuple:
    """Sorts names as a reader expects, not by code point: "Préparer" before "Produire", "école"
    beside "Ecole" (the Unicode Collation Algorithm's default order, through pyuca)."""
    return _collator().sort_key(text or "")


@cache
def _collator():
    from pyuca import Collator   # 0.2 s to load its table: only when a list is sorted by name

    return Collator()


def language_name(code: str, lang: str) -> str:
    """A language's name in another language ("Kiingereza" is English in Kiswahili), else its code."""
    try:
        return locale(lang).languages.get(code.split("-")[0], code)
    except (UnknownLocaleError, ValueError):
        return code


def country_name(code: str | None, lang: str) -> str:
    """A country's name in the language (ISO 3166 code: "KE" is "Kenya", in French too), the code
    itself for one Babel does not know."""
    if not code:
        return ""
    return locale(lang).territories.get(code.upper(), code)


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
        # the locale's own pattern ("#,##0 %" in French), with the digits asked for
        pattern = self.locale.percent_formats[None].pattern.split(";")[0]
        last = pattern.rfind("0")
        if digits and last >= 0:
            pattern = pattern[:last + 1] + "." + "0" * digits + pattern[last + 1:]
        return format_percent(value, locale=self.locale, format=pattern)
