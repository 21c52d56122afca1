"""The message catalogs are complete, compiled and in step with the source.

locale/ is written by makemessages from our own code and templates. locale_overrides/
holds our wording for strings that come from Django and django-allauth; makemessages
never touches it. Both are read with a small parser below, so these tests need neither
GNU gettext nor polib.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation.template import templatize

BASE_DIR = Path(settings.BASE_DIR)
CATALOG_DIRS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
MAIN_NB = BASE_DIR / "locale" / "nb" / "LC_MESSAGES" / "django.po"
MAIN_EN = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
OVERRIDES_NB = BASE_DIR / "locale_overrides" / "nb" / "LC_MESSAGES" / "django.po"


# --- A small .po reader -----------------------------------------------------------------
@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key GNUTranslations uses for this entry."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural.get(i, "") for i in range(max(2, len(self.msgstr_plural)))]
        return [self.msgstr]

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        raise ValueError(f"not a quoted string: {text!r}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header included and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    flags: set[str] = set()
    start = 0

    def flush() -> None:
        nonlocal current, target, flags
        if current is not None:
            entries.append(current)
        current, target, flags = None, None, set()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] == "msgstr":
                flush()
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            start = start or number
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}:{number}: text outside an entry")
            name, index = target
            value = _unquote(line)
            if name == "msgstr" and index is not None:
                current.msgstr_plural[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if not match:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
        keyword, index_text, text = match.groups()
        starts_new_entry = target is not None and (
            target[0] == "msgstr" or (keyword == "msgid" and target[0] == "msgid")
        )
        if keyword in ("msgctxt", "msgid") and current is not None and starts_new_entry:
            flush()
        if current is None:
            current = Entry(flags=flags, line=start or number)
            start = 0
        value = _unquote(text)
        if keyword == "msgstr" and index_text is not None:
            current.msgstr_plural[int(index_text)] = value
            target = ("msgstr", int(index_text))
        else:
            setattr(current, keyword, value)
            target = (keyword, None)
    flush()
    return entries


def all_po_files() -> list[Path]:
    files = sorted(path for directory in CATALOG_DIRS for path in directory.rglob("*.po"))
    assert files, "no .po files found under locale/ or locale_overrides/"
    return files


def _describe(path: Path, entry: Entry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt is not None else ""
    return f"{path.relative_to(BASE_DIR)}:{entry.line}: {context}{entry.msgid!r}"


PO_FILES = all_po_files()
PO_IDS = [str(path.relative_to(BASE_DIR)) for path in PO_FILES]


# --- Completeness -------------------------------------------------------------------------
def test_both_catalog_folders_exist_for_both_languages():
    for directory in CATALOG_DIRS:
        for language in ("nb", "en"):
            assert (directory / language / "LC_MESSAGES" / "django.po").is_file(), (directory, language)
    assert [Path(p).resolve() for p in settings.LOCALE_PATHS] == [p.resolve() for p in CATALOG_DIRS]


@pytest.mark.parametrize("path", PO_FILES, ids=PO_IDS)
def test_no_empty_or_fuzzy_entries(path):
    problems = []
    for entry in read_po(path):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {_describe(path, entry)}")
        if entry.is_header:
            continue
        if any(not text for text in entry.translations):
            problems.append(f"empty: {_describe(path, entry)}")
    assert not problems, "Translate these, then run compilemessages:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", PO_FILES, ids=PO_IDS)
def test_header_declares_utf8_and_two_plural_forms(path):
    header = next(entry for entry in read_po(path) if entry.is_header).msgstr
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?([a-zA-Z%])")


def _placeholders(text: str) -> tuple[Counter, int]:
    named: Counter = Counter()
    unnamed = 0
    for name, conversion in _PLACEHOLDER.findall(text):
        if conversion == "%":
            continue
        if name:
            named[name] += 1
        else:
            unnamed += 1
    return named, unnamed


@pytest.mark.parametrize("path", PO_FILES, ids=PO_IDS)
def test_placeholders_are_kept(path):
    problems = []
    for entry in read_po(path):
        if entry.is_header or "python-format" not in entry.flags:
            continue
        source_names = set(_placeholders(entry.msgid)[0]) | set(_placeholders(entry.msgid_plural or "")[0])
        source_unnamed = _placeholders(entry.msgid)[1]
        for text in entry.translations:
            names, unnamed = _placeholders(text)
            if entry.msgid_plural is None:
                wrong = set(names) != source_names or unnamed != source_unnamed
            else:
                wrong = not set(names) <= source_names or unnamed > source_unnamed
            if wrong:
                problems.append(f"{_describe(path, entry)} -> {text!r}")
    assert not problems, "Placeholders differ from the source text:\n" + "\n".join(problems)


def test_english_catalog_repeats_the_source_text():
    problems = []
    for entry in read_po(MAIN_EN):
        if entry.is_header:
            continue
        expected = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        if entry.translations != expected:
            problems.append(_describe(MAIN_EN, entry))
    assert not problems, "English msgstr must equal the msgid:\n" + "\n".join(problems)


def test_english_and_bokmal_catalogs_have_the_same_messages():
    nb = {entry.key for entry in read_po(MAIN_NB) if not entry.is_header}
    en = {entry.key for entry in read_po(MAIN_EN) if not entry.is_header}
    assert sorted(nb - en) == [], "only in nb: run makemessages for both languages"
    assert sorted(en - nb) == [], "only in en: run makemessages for both languages"


@pytest.mark.parametrize("language", ["nb", "en"])
def test_overrides_do_not_contradict_our_own_catalog(language):
    """locale/ comes first in LOCALE_PATHS, so an override of the same msgid would be dead."""
    main = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    overrides = BASE_DIR / "locale_overrides" / language / "LC_MESSAGES" / "django.po"
    ours = {entry.key: entry.translations for entry in read_po(main) if not entry.is_header}
    clashes = [
        entry.msgid
        for entry in read_po(overrides)
        if not entry.is_header and entry.key in ours and ours[entry.key] != entry.translations
    ]
    assert not clashes, (
        f"translated differently in locale/{language} and locale_overrides/{language}: {clashes}"
    )


# --- Compiled catalogs ------------------------------------------------------------------------
@pytest.mark.parametrize("path", PO_FILES, ids=PO_IDS)
def test_mo_file_matches_po_file(path):
    mo_path = path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path.relative_to(BASE_DIR)} is missing: run compilemessages"
    with mo_path.open("rb") as handle:
        catalog = gnu_gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in read_po(path):
        if entry.is_header:
            continue
        if entry.msgid_plural is None:
            if catalog.get(entry.key) != entry.msgstr:
                stale.append(_describe(path, entry))
        elif any(catalog.get((entry.key, i)) != text for i, text in enumerate(entry.translations)):
            stale.append(_describe(path, entry))
    assert not stale, (
        f"{mo_path.relative_to(BASE_DIR)} is out of date; run compilemessages. Differs for:\n"
        + "\n".join(stale)
    )


# --- The catalogs are in use ----------------------------------------------------------------------
# Kept in tables and passed as variables, so makemessages does not take them from here.
OUR_STRINGS = {
    "nb": [("Log in", "Logg inn"), ("Who we are for", "Hvem vi er til for")],
    "en": [("Log in", "Log in"), ("Who we are for", "Who we are for")],
}
OUR_PLURAL = ("%(counter)s organisation", "%(counter)s organisations")
OVERRIDDEN_STRINGS = {
    "nb": [
        ("Sign In", "Logg inn"),
        ("Send me a sign-in code", "Send meg en engangskode"),
        ("This field is required.", "Du må fylle ut dette feltet."),
        ("Enter a valid email address.", "Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no."),
        ("Two-Factor Authentication", "To-trinns innlogging"),
    ],
    "en": [("Sign In", "Log in"), ("This field is required.", "This field is required.")],
}


def test_our_strings_are_translated_at_runtime():
    for language, pairs in OUR_STRINGS.items():
        with translation.override(language):
            for source, expected in pairs:
                assert gettext(source) == expected, (language, source)
    with translation.override("nb"):
        assert ngettext(*OUR_PLURAL, 3) == "%(counter)s organisasjoner"
        assert ngettext(*OUR_PLURAL, 1) == "%(counter)s organisasjon"
    with translation.override("en"):
        assert ngettext(*OUR_PLURAL, 3) == "%(counter)s organisations"


def test_overrides_win_over_django_and_allauth():
    for language, pairs in OVERRIDDEN_STRINGS.items():
        with translation.override(language):
            for source, expected in pairs:
                assert gettext(source) == expected, (language, source)


def test_every_message_in_our_catalogs_resolves_in_bokmal():
    problems = []
    main_keys = _main_nb_keys()
    with translation.override("nb"):
        for path in (MAIN_NB, OVERRIDES_NB):
            for entry in read_po(path):
                if entry.is_header or entry.msgctxt is not None:
                    continue
                if path == OVERRIDES_NB and entry.key in main_keys:
                    continue  # locale/ wins; the clash test covers these
                if entry.msgid_plural is None:
                    got = gettext(entry.msgid)
                    expected = entry.msgstr
                else:
                    got = ngettext(entry.msgid, entry.msgid_plural, 2)
                    expected = entry.translations[1]
                if got != expected:
                    problems.append(f"{_describe(path, entry)}: {got!r} != {expected!r}")
    assert not problems, "\n".join(problems)


def _main_nb_keys() -> set[str]:
    return {entry.key for entry in read_po(MAIN_NB)}


# --- The catalog is in step with the source ----------------------------------------------------------
_GETTEXT_FUNCTIONS = {
    "_": (1, False, False),
    "gettext": (1, False, False),
    "gettext_lazy": (1, False, False),
    "gettext_noop": (1, False, False),
    "ngettext": (2, True, False),
    "ngettext_lazy": (2, True, False),
    "pgettext": (2, False, True),
    "pgettext_lazy": (2, False, True),
    "npgettext": (3, True, True),
    "npgettext_lazy": (3, True, True),
}
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATIZED_CALL = re.compile(rf"\b(n?p?gettext|_)\(\s*({_LITERAL}(?:\s*,\s*{_LITERAL})*)", re.DOTALL)


def _template_files() -> list[Path]:
    roots = [BASE_DIR / "templates", *sorted((BASE_DIR / "batteriet").glob("*/templates"))]
    return sorted(
        p for root in roots for p in root.rglob("*") if p.suffix in {".html", ".txt"} and p.is_file()
    )


def _keys_in_template(path: Path) -> set[str]:
    """The msgids makemessages would take from a template, with Django's own template lexer."""
    keys = set()
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for function, arguments in _TEMPLATIZED_CALL.findall(source):
        strings = ast.literal_eval(f"({arguments},)")
        if function in ("pgettext", "npgettext"):
            keys.add(f"{strings[0]}\x04{strings[1]}")
        else:
            keys.add(strings[0])
    return keys


def _keys_in_python(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in _GETTEXT_FUNCTIONS:
            continue
        _, _, has_context = _GETTEXT_FUNCTIONS[name]
        args = node.args
        wanted = args[:2] if has_context else args[:1]
        if not wanted or not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in wanted):
            continue
        keys.add(f"{wanted[0].value}\x04{wanted[1].value}" if has_context else wanted[0].value)
    return keys


def test_every_template_string_is_in_the_bokmal_catalog():
    catalog = _main_nb_keys()
    missing = []
    for path in _template_files():
        for key in sorted(_keys_in_template(path) - catalog):
            missing.append(f"{path.relative_to(BASE_DIR)}: {key!r}")
    assert not missing, (
        "New template strings are not in locale/nb: run makemessages (-e html,txt,py), translate and "
        "compilemessages.\n" + "\n".join(missing)
    )


def test_every_python_string_is_in_the_bokmal_catalog():
    catalog = _main_nb_keys()
    missing = []
    paths = [*(BASE_DIR / "batteriet").rglob("*.py"), *(BASE_DIR / "config").rglob("*.py")]
    for path in sorted(paths):
        if "migrations" in path.parts:
            continue
        for key in sorted(_keys_in_python(path) - catalog):
            missing.append(f"{path.relative_to(BASE_DIR)}: {key!r}")
    assert not missing, (
        "New strings in Python are not in locale/nb: run makemessages, translate and compilemessages.\n"
        + "\n".join(missing)
    )
