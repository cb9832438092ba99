"""How many parts an SMS takes.

Persian needs UCS-2: 70 characters in one part, 67 per part when longer (each part carries a
header). Text entirely in the GSM 7-bit alphabet gets 160, then 153 per part. Characters
beyond the Basic Multilingual Plane (emoji) count twice in UCS-2, as UTF-16 does.
"""
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENDED for c in text)


def units(text: str) -> int:
    """The length the network counts: septets for GSM text, UTF-16 code units for UCS-2."""
    if is_gsm(text):
        return sum(2 if c in GSM_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def parts(text: str) -> int:
    n = units(text)
    single, multi = (160, 153) if is_gsm(text) else (70, 67)
    if n <= single:
        return 1
    return -(-n // multi)


def limit_for(n_parts: int, *, gsm: bool = False) -> int:
    """How many units fit in ``n_parts`` parts."""
    single, multi = (160, 153) if gsm else (70, 67)
    return single if n_parts == 1 else multi * n_parts
