"""Resolving text given per language to one language, with fallback."""

from __future__ import annotations

import copy

from .schemas import text_fields, text_paths


def merge_translation(kind: str, data: dict, translation: dict, lang: str, default: str) -> dict:
    """The original's data with a translation's text fields added under its language."""
    merged = copy.deepcopy(data)
    for key in text_fields(kind):
        if isinstance(translation.get(key), str):
            original = merged.get(key)
            texts = dict(original) if isinstance(original, dict) else ({default: original} if original else {})
            texts[lang] = translation[key]
            merged[key] = texts
    return merged


def localise(kind: str, data: dict, lang: str, default: str, untranslated: set[str] | None = None) -> dict:
    """Every translatable text as a plain string in lang (else the default language, else any).
    Texts shown in another language than lang are added to untranslated."""
    data = copy.deepcopy(data)
    for at in text_paths(kind, data):
        parent = data
        for part in at[:-1]:
            parent = parent[part]
        value = parent[at[-1]]
        if isinstance(value, dict):
            parent[at[-1]] = pick(value, lang, default)
            if untranslated is not None and not (value.get(lang) or value.get(lang.split("-")[0])):
                untranslated.add(parent[at[-1]])
        elif untranslated is not None and lang != default and isinstance(value, str):
            untranslated.add(value)
    return data


def pick(texts: dict, lang: str, default: str) -> str:
    for candidate in (lang, lang.split("-")[0], default):
        if texts.get(candidate):
            return texts[candidate]
    return next((v for v in texts.values() if v), "")
