"""Persian text and digit normalisation.

Pure functions over strings, standard library only. Names are stored in the
form :func:`normalize_text` gives; searches compare :func:`search_key` values,
which also ignore diacritics, hamza forms, case and ZWNJ-versus-space.
"""

import re
from functools import lru_cache
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ZWNJ = "\u200c"
THOUSANDS_SEPARATOR = "٬"  # U+066C ARABIC THOUSANDS SEPARATOR

_TO_LATIN = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(PERSIAN_DIGITS)},
        **{c: str(i) for i, c in enumerate(ARABIC_INDIC_DIGITS)},
        "٫": ".",  # U+066B ARABIC DECIMAL SEPARATOR
        THOUSANDS_SEPARATOR: ",",
    }
)
_TO_PERSIAN = str.maketrans("0123456789", PERSIAN_DIGITS)

# Characters that carry no text: zero-width space and joiner, BOM, soft
# hyphen, and the bidirectional marks, embeddings and isolates that editors
# and copy-paste from RTL text insert.
_INVISIBLE = (
    "\u00ad\u061c\u200b\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_NORMALIZE = str.maketrans(
    {
        "ي": "ی",  # U+064A ARABIC LETTER YEH
        "ى": "ی",  # U+0649 ARABIC LETTER ALEF MAKSURA
        "ك": "ک",  # U+0643 ARABIC LETTER KAF
        "\u0640": None,  # tatweel
        **{c: None for c in _INVISIBLE},
    }
)
# A ZWNJ only means something between two letters of a word.
_STRAY_ZWNJ = re.compile(rf"(?<!\S){ZWNJ}+|{ZWNJ}+(?!\S)")
_ZWNJ_RUN = re.compile(f"{ZWNJ}{{2,}}")

_SEARCH_FOLD = str.maketrans(
    {
        ZWNJ: " ",
        "أ": "ا",
        "إ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        **{chr(c): None for c in range(0x064B, 0x0660)},  # harakat, hamza marks
        "\u0670": None,  # superscript alef
    }
)


def to_latin_digits(s):
    """Persian and Arabic-Indic digits (and ٫ ٬ separators) to ASCII; None → ""."""
    return "" if s is None else str(s).translate(_TO_LATIN)


def to_persian_digits(value):
    """``str(value)`` with ASCII digits written as Persian digits; None → ""."""
    return "" if value is None else str(value).translate(_TO_PERSIAN)


def format_number(n):
    """An integer with Persian digits and separators: 19000 → «۱۹٬۰۰۰»; None → ""."""
    if n is None:
        return ""
    return to_persian_digits(f"{int(n):,}").replace(",", THOUSANDS_SEPARATOR)


def _collapse_spaces(s):
    return " ".join(s.split())


def normalize_text(s):
    """The canonical stored form of a name or short text.

    Arabic yeh/kaf become Persian ones, tatweel and invisible marks go, ZWNJ
    is kept once and only inside a word, digits become Latin, and whitespace
    is collapsed and stripped.
    """
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s)).translate(_NORMALIZE)
    s = _ZWNJ_RUN.sub(ZWNJ, _STRAY_ZWNJ.sub("", s))
    return _collapse_spaces(to_latin_digits(s))


def search_key(s):
    """A key for orthography- and case-insensitive comparison and search."""
    return _collapse_spaces(normalize_text(s).translate(_SEARCH_FOLD).casefold())


def is_blank(s):
    """True for None and for text with nothing visible in it."""
    return normalize_text(s) == ""


# --- alphabetical order ----------------------------------------------------------------------
# Code-point order puts چ, ژ, ک, گ and پ after the Arabic letters and ی after everything; this is
# the Persian alphabet's order, آ a letter before ا as dictionaries have it, with the Arabic forms and variants ranked as the Persian letter
# they are read as (ي=ی, ك=ک, ة=ه, أ/إ=ا), and digits of every script ranked as one.
PERSIAN_ALPHABET = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_VARIANTS = {"أ": "ا", "إ": "ا", "ٱ": "ا", "ي": "ی", "ى": "ی", "ك": "ک",
             "ة": "ه", "ۀ": "ه", "ؤ": "و"}
_RANK = {letter: 100 + 2 * i for i, letter in enumerate(PERSIAN_ALPHABET)}
_RANK["ء"] = _RANK["ئ"] = _RANK["ا"] + 1  # hamza, alone or on its seat, right after alef (as ICU)


def _rank(char: str) -> tuple[int, int]:
    """(primary, secondary) weight of one character."""
    if char == ZWNJ:
        return (-1, 0)  # ignored: «مه‌ولات» sorts as «مهولات»
    if char.isspace():
        return (0, 0)
    digit = _TO_LATIN_DIGIT.get(char)
    if digit is not None:
        return (10 + digit, 0)
    base = _VARIANTS.get(char, char)
    if base in _RANK:
        return (_RANK[base], 0 if base == char else 1 + list(_VARIANTS).index(char))
    if "a" <= char.lower() <= "z":
        return (30 + ord(char.lower()) - ord("a"), char.isupper())
    if char in "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0654\u0670":
        return (-1, ord(char))  # diacritics: ignored in the first pass
    return (1_000 + ord(char), 0)


_TO_LATIN_DIGIT = {d: i for digits in ("0123456789", PERSIAN_DIGITS, ARABIC_INDIC_DIGITS)
                   for i, d in enumerate(digits)}


@lru_cache(maxsize=65536)
def sort_key(text: str | None) -> tuple:
    """A key that sorts Persian text alphabetically: letters first, then the variant forms
    (ي after ی) only to break ties, like a dictionary."""
    ranks = [_rank(c) for c in (text or "").strip()]
    return (tuple(p for p, _ in ranks if p >= 0), tuple(s for _, s in ranks))


def compare(a: str | None, b: str | None) -> int:
    """-1, 0 or 1: the SQLite collation ``fa`` (PostgreSQL uses ICU's ``fa-IR-x-icu``)."""
    key_a, key_b = sort_key(a), sort_key(b)
    return (key_a > key_b) - (key_a < key_b)
