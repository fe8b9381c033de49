"""What a typed query asks for, without what people add that asks for nothing.

Posts and needs are typed the way job sites write them: 「武汉紫陌文化传媒有限公司招聘新媒体
运营（双休）」, 「产品经理-PM(J10458)」, 「急招：电商运营专员/助理+接受小白」. The company, the word
招聘, the posting's internal code and the perks in brackets say nothing about what is wanted and
pull both channels toward records that share them. :func:`clean_query` keeps the rest; when
nothing would be left, the query is kept as it was.
"""

from __future__ import annotations

import re
import unicodedata

# Words that announce a post; what comes before them is the poster (a company, a city).
_HIRING = re.compile(r"(高薪诚聘|诚聘|急聘|急招|热招|直招|高薪招聘|招聘|招募)[:：\s]*")
# An organization's name: a name followed by its legal form.
_ORGANIZATION = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,30}?(股份有限公司|有限责任公司|有限公司|集团公司|集团|研究院|研究所)")
# Perks and conditions that fill posting titles and brackets.
_NOTE_WORDS = ("双休", "单休", "五险", "六险", "一金", "包吃", "包住", "提成", "底薪", "无责", "高薪", "急招", "急聘", "接受", "应届",
               "小白", "周末", "年休", "团建", "地铁", "长期", "可转正", "转正", "不加班", "弹性", "福利", "薪资", "月薪", "年薪",
               "带薪", "经验不限", "零基础", "可兼职", "名额", "入职", "待遇", "补贴", "地铁", "号线", "城市号", "线上", "线下")
# (places and work modes by the words that say so: a bare 站, 线 or 号 is also part of 网站,
# 生产线 and 型号, which are what a need asks for)
# Perks said outside brackets too: removed wherever they stand.
_PERKS = re.compile(r"双休|单休|大小周|[五六56]险[一二12]金|包吃包?住|接受(小白|应届生?|实习生?|新手)|零基础可?|不加班|无责底薪|"
                    r"\d+(?:\.\d+)?\s*[-~～到至]\s*\d+(?:\.\d+)?\s*[kK千万](?:/月)?|\d+\s*年(以上)?(工作)?经验|\d+\s*年以上|"
                    # pay however it is written: 月薪8000-12000, 8000-12000元/月, 13薪, 日结200元
                    r"(?:月薪|年薪|日薪|时薪|底薪|薪资|工资|薪酬)\s*[:：]?\s*\d[\d.,]*\s*[kK千万元]?\s*(?:[-~～到至]\s*\d[\d.,]*\s*[kK千万元]?)?"
                    r"(?:\s*/\s*[月年天日时])?|(?:工资|薪资|薪酬)面议|\d[\d.,]*\s*(?:[-~～到至]\s*\d[\d.,]*\s*)?元\s*(?:/\s*[月年天日时])?|"
                    r"\d+\s*薪|日结|周结")
_BRACKETS = re.compile(r"[(（\[【〔{「]([^()（）\[\]【】〔〕{}「」]*)[)）\]】〕}」]")
_UNCLOSED = re.compile(r"[(（\[【〔{「]([^()（）\[\]【】〔〕{}「」]*)$")
_CODE = re.compile(r"(?<![A-Za-z0-9])(?<![A-Za-z]-)(?:[A-Za-z]{0,3}\d{3,}[A-Za-z0-9]*|[A-Za-z]{1,4}(?:[-_]\d{2,}){2,})(?![A-Za-z0-9])")
_SEPARATORS = re.compile(r"[-—_~～＋|｜·•*＃]+|(?<![A-Za-z+])\+|\s+")


def _note(content: str) -> bool:
    """Whether a bracket holds a note (perks, a code, a place) rather than part of the need."""
    stripped = content.strip()
    return (not stripped or bool(_CODE.fullmatch(stripped)) or bool(_PERKS.search(stripped))
            or any(w in stripped for w in _NOTE_WORDS))


def clean_query(text: str) -> str:
    """``text`` without the poster, 招聘-style words, posting codes and bracketed notes;
    separators become spaces. ``text`` itself when nothing meaningful would remain."""
    raw = unicodedata.normalize("NFKC", text).strip()
    cleaned = raw
    hiring = _HIRING.search(cleaned)
    if hiring is not None and len(cleaned[hiring.end():].strip()) >= 2:
        cleaned = cleaned[hiring.end():]
    cleaned = _ORGANIZATION.sub(" ", cleaned)
    for brackets in (_BRACKETS, _UNCLOSED):
        cleaned = brackets.sub(lambda m: " " if _note(m.group(1)) else f" {m.group(1)} ", cleaned)
    cleaned = _HIRING.sub(" ", cleaned)
    cleaned = _PERKS.sub(" ", cleaned)
    cleaned = _CODE.sub(" ", cleaned)
    cleaned = _SEPARATORS.sub(" ", cleaned).strip(" ,，、:：;；")
    meaningful = re.sub(r"[\s\W]", "", cleaned)
    return cleaned if len(meaningful) >= 2 else raw
