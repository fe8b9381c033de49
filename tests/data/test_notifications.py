"""Messages to users (data/workflows/notifications.py): who gets one, its e-mail state by the
recipient's preference, the inbox, marking read, preferences and their errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from data.enums import MailMode, MailState, NotificationKind, Role
from data.models import Organization, User
from data.workflows import notifications as nt
from data.workflows.notifications import NotificationError

UserMaker = Callable[..., User]


@pytest.fixture
def make_user(db: Session) -> UserMaker:
    def make(name: str, email: str | None = None, role: Role = Role.ENTERPRISE, org: Organization | None = None,
             active: bool = True) -> User:
        user = User(username=name, display_name=name, password_hash="x", role=role, email=email,
                    org_id=org.id if org else None, active=active)
        db.add(user)
        db.flush()
        return user
    return make


def test_without_a_mail_server_messages_stay_in_the_inbox(db: Session, make_user: UserMaker) -> None:
    a, b = make_user("a", "a@example.com"), make_user("b")
    made = nt.notify(db, [a, b, a], NotificationKind.CONTACT_RECEIVED, "张三请求联系方式", link="/contacts")
    assert [n.user_id for n in made] == [a.id, b.id]  # each recipient once
    assert all(n.mail_state is MailState.NONE for n in made)
    assert nt.unread_count(db, a) == 1 and nt.unread_count(db, b) == 1


def test_the_mail_state_follows_each_users_choice(db: Session, make_user: UserMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    now, digest, off, nobody = (make_user("now", "now@example.com"), make_user("digest", "d@example.com"),
                                make_user("off", "off@example.com"), make_user("noaddress"))
    nt.set_preferences(db, digest, {"application_received": "digest"})
    nt.set_preferences(db, off, {"application_received": "不发邮件"})  # a label is accepted too
    gone = make_user("gone", "gone@example.com", active=False)
    made = {n.user_id: n for n in nt.notify(db, [now, digest, off, nobody, gone], NotificationKind.APPLICATION_RECEIVED,
                                            "收到新的投递")}
    assert made[now.id].mail_state is MailState.PENDING and made[now.id].next_attempt_at is not None
    assert made[digest.id].mail_state is MailState.DIGEST
    assert made[off.id].mail_state is MailState.NONE and made[nobody.id].mail_state is MailState.NONE
    assert gone.id not in made
    # another kind keeps the default: at once
    assert nt.notify(db, [digest], NotificationKind.REVIEW_DECISION, "审核通过")[0].mail_state is MailState.PENDING
    assert nt.preferences(db, digest)[NotificationKind.APPLICATION_RECEIVED] is MailMode.DIGEST


def test_the_inbox_pages_filters_and_marks_read(db: Session, make_user: UserMaker) -> None:
    me, other = make_user("me"), make_user("other")
    for i in range(25):
        nt.notify(db, [me], NotificationKind.APPLICATION_STATUS if i % 5 else NotificationKind.MEMBERSHIP, f"消息{i}")
    theirs = nt.notify(db, [other], NotificationKind.MEMBERSHIP, "别人的消息")[0]
    first = nt.inbox(db, me)
    assert (first.total, first.unread, first.pages, len(first.items)) == (25, 25, 2, nt.PER_PAGE)
    assert first.items[0].title == "消息24"  # newest first
    assert nt.inbox(db, me, page=99).page == 2 and nt.inbox(db, me, page=-3).page == 1  # clamped
    membership = nt.inbox(db, me, kind=NotificationKind.MEMBERSHIP)
    assert membership.total == 5 and all(n.kind is NotificationKind.MEMBERSHIP for n in membership.items)
    assert nt.mark_read(db, me, [first.items[0].id, theirs.id, 0, 2**40]) == 1  # another's id is ignored
    assert nt.unread_count(db, me) == 24 and nt.unread_count(db, other) == 1
    assert nt.inbox(db, me, unread_only=True).total == 24
    assert nt.mark_read(db, me) == 24 and nt.unread_count(db, me) == 0
    assert nt.mark_read(db, me, []) == 0


def test_bad_filters_and_preferences_say_which_field(db: Session, make_user: UserMaker) -> None:
    me = make_user("me")
    with pytest.raises(NotificationError) as kind:
        nt.parse_kind("<script>")
    assert kind.value.field == "kind" and "不存在" in str(kind.value)
    assert nt.parse_kind("") is None and nt.parse_kind("membership") is NotificationKind.MEMBERSHIP
    with pytest.raises(NotificationError) as mode:
        nt.set_preferences(db, me, {"membership": "weekly"})
    assert mode.value.field == "membership" and "会员事务" in str(mode.value)
    with pytest.raises(NotificationError) as unknown:
        nt.set_preferences(db, me, {"spam": "off"})
    assert unknown.value.field == "kind"
    for bad in ("no-at-sign", "a@b", "a b@c.com", "x@" + "y" * 130 + ".com"):
        with pytest.raises(NotificationError) as email:
            nt.set_preferences(db, me, {}, email=bad)
        assert email.value.field == "email"
    nt.set_preferences(db, me, {}, email="  me@example.com ")
    assert me.email == "me@example.com"
    nt.set_preferences(db, me, {}, email="")
    assert me.email is None
