from __future__ import annotations


def test_highlight_escapes_and_marks_longest_first() -> None:
    from web.highlight import highlight

    assert str(highlight("机器视觉<b>检测</b>", ["视觉", "机器视觉", "检测"])) == \
        "<mark>机器视觉</mark>&lt;b&gt;<mark>检测</mark>&lt;/b&gt;"
