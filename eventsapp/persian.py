"""Persian text and digit normalisation.

Pure functions over strings, standard library only. Names are stored in the
form :func:`normalize_text` gives; searches compare :func:`search_key` values,
which also ignore diacritics, hamza forms, case and ZWNJ-versus-space.
"""

import re
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
