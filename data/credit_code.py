"""统一社会信用代码 (unified social credit code, GB 32100-2015): format and check character.

Eighteen characters from a 31-character alphabet (the digits and the capital letters without
I, O, S, V, Z): registration authority (1), organization category (1), administrative division
(6 digits), the organization's own code (9), and a check character. The check character is
``31 - (Σ value(cᵢ) · 3ⁱ mod 31) mod 31`` over the first seventeen, with weights 3ⁱ mod 31.
"""

from __future__ import annotations

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, …
LENGTH = 18


class CreditCodeError(ValueError):
    """Why a text is not a valid credit code, in Chinese."""


def check_character(first17: str) -> str:
    """The check character GB 32100-2015 prescribes for the first seventeen characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse_credit_code(text: str) -> str:
    """The code in its canonical form (half-width capitals, no spaces), or CreditCodeError.

    Full-width characters, lower case and spaces a person typed are accepted and normalized.
    """
    code = "".join(unicodedata.normalize("NFKC", text or "").split()).upper()
    if not code:
        raise CreditCodeError("请填写统一社会信用代码（18 位）")
    if len(code) != LENGTH:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，您填写了 {len(code)} 位")
    wrong = sorted({c for c in code if c not in _VALUE})
    if wrong:
        raise CreditCodeError(f"统一社会信用代码不能包含「{'」「'.join(wrong)}」（只用数字和除 I、O、S、V、Z 以外的大写字母）")
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第 3–8 位是登记管理机关行政区划码，应为数字")
    if check_character(code[:17]) != code[17]:
        raise CreditCodeError("统一社会信用代码的校验位不正确，请核对营业执照或登记证书上的代码")
    return code
