"""A new organization applies, the secretariat decides, accounts register into it: the credit
code check (GB 32100-2015), duplicates by code and by normalized name, suggestions, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.credit_code import CreditCodeError, check_character, parse_credit_code
from data.enums import CaseStatus, JoinStatus, MemberLevel, MemberStatus, OrgKind, Role, Status
from data.errors import NotAllowed
from data.workflows.accounts import create_user, register
from data.workflows.joining import (JoinError, apply_as_new_organization, decide_application, org_for_registration,
                          pending_applications, suggest_organizations)
from data.keys import org_name_key
from data.models import AuditEntry, MembershipCase, MembershipEvent, OrgApplication, Organization, User
from data.workflows.membership import preliminary_review, vote

# Real, published codes (their check characters are right) and one per class of mistake.
VALID = ("914403001922038216", "9144030071526726XG", "91350100M000100Y43", "911101080828461726")


def test_the_check_character_follows_gb_32100() -> None:
    for code in VALID:
        assert parse_credit_code(code) == code
        assert check_character(code[:17]) == code[17]
    assert parse_credit_code(" ９１４４０３００１９２２０３８２１６ ") == "914403001922038216"  # full width, spaces
    assert parse_credit_code("9144030071526726xg") == "9144030071526726XG"  # lower case
    # Every wrong last character is refused, not only some.
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for wrong in alphabet.replace("6", ""):
        with pytest.raises(CreditCodeError, match="校验位不正确"):
            parse_credit_code("91440300192203821" + wrong)
    for code, message in (("", "请填写"), ("91440300192203821", "应为 18 位"), ("9144030019220382166", "应为 18 位"),
                          ("91440300192203821I", "不能包含「I」"), ("9144O30019220382S6", "「O」「S」"),
                          ("9144AB001922038216", "第 3–8 位")):
        with pytest.raises(CreditCodeError, match=message):
            parse_credit_code(code)


def test_organization_names_compare_without_width_space_case_or_legal_form() -> None:
    key = org_name_key("深圳华创智能装备有限公司")
    for same in ("深圳华创智能装备", "深圳 华创 智能装备 有限公司", "深圳华创智能装备股份有限公司", "深圳华创智能装备有限责任公司",
                 "深圳华创·智能装备有限公司"):
        assert org_name_key(same) == key
    assert org_name_key("ＡＢＣ科技有限公司") == org_name_key("abc 科技")
    assert org_name_key("Huawei Co., Ltd.") == org_name_key("HUAWEI")
    assert org_name_key("华创集团有限公司") != org_name_key("华创有限公司")  # a group is not its subsidiary
    assert org_name_key("公司") == "公司"  # nothing left: the name itself


def _form(**changes: str) -> dict[str, str]:
    form = {"name": "佛山锐博机器人有限公司", "kind": "enterprise", "credit_code": "914403001922038216",
            "region": "广东省佛山市", "field": "智能制造", "description": "工业机器人集成商",
            "contact_name": "黄工", "contact_phone": "138 0000 0000", "contact_email": "huang@example.com",
            "level": "member", "materials": "本公司从事工业机器人系统集成，拟与联盟院校共建实训基地并接收学生实习。"}
    return {**form, **changes}


@pytest.fixture
def staff(db: Session) -> User:
    return create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)


def test_an_application_creates_a_hidden_draft_and_is_audited(db: Session) -> None:
    applied = apply_as_new_organization(db, _form())
    assert applied.errors == {}
    org = applied.application.org
    assert (org.status, org.member_status, org.credit_code, org.region_code) == \
        (Status.DRAFT, MemberStatus.NONE, "914403001922038216", "440600")
    assert applied.application.contact_phone == "13800000000"
    assert db.scalar(select(MembershipCase).where(MembershipCase.org_id == org.id)) is None  # no case before approval
    entry = db.scalar(select(AuditEntry).where(AuditEntry.record_id == org.id, AuditEntry.pool == "organization"))
    assert entry.actor == "访客（新单位申请）" and "申请入驻" in entry.summary and entry.after["联系人"] == "黄工"
    org_found, why = org_for_registration(db, "佛山锐博机器人有限公司")
    assert org_found is None and "正在等待秘书处审核" in why  # nobody registers before approval
    assert suggest_organizations(db, "佛山锐博机器人") == []  # a draft is never suggested


def test_every_bad_input_is_named_at_once_and_nothing_is_written(db: Session) -> None:
    applied = apply_as_new_organization(db, {"name": "", "kind": "spaceship", "credit_code": "914403001922038217",
                                             "region": "火星", "field": "航海", "contact_name": "",
                                             "contact_phone": "12345", "contact_email": "not-mail", "level": "king",
                                             "materials": "太短"})
    assert set(applied.errors) == {"name", "kind", "credit_code", "region", "field", "contact_name", "contact_phone",
                                   "contact_email", "level", "materials"}
    assert "校验位不正确" in applied.errors["credit_code"] and "未知地区「火星」" in applied.errors["region"]
    assert "不少于 20 个字" in applied.errors["materials"] and "不是有效的电话号码" in applied.errors["contact_phone"]
    assert applied.application is None
    assert db.scalar(select(Organization).where(Organization.name == "")) is None
    assert db.scalars(select(OrgApplication)).all() == []


def test_duplicate_code_or_normalized_name_is_refused(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    make_org("广州智视装备有限公司", OrgKind.ENTERPRISE, credit_code="9144030071526726xg")  # stored by an import, lower case
    same_code = apply_as_new_organization(db, _form(credit_code="9144030071526726XG"))
    assert "已属于单位库中的「广州智视装备有限公司」" in same_code.errors["credit_code"]
    for name in ("广州智视装备", "广州 智视装备股份有限公司", "广州智视装备有限责任公司", "广州智视装备　有限公司"):
        assert "单位库中已有「广州智视装备有限公司」" in apply_as_new_organization(db, _form(name=name)).errors["name"]
    first = apply_as_new_organization(db, _form())
    assert first.errors == {}
    again = apply_as_new_organization(db, _form(name="佛山 锐博机器人", credit_code="91350100M000100Y43"))
    assert "已有待审核的入驻申请" in again.errors["name"]
    code_again = apply_as_new_organization(db, _form(name="另一家公司"))
    assert "已有待审核的入驻申请" in code_again.errors["credit_code"]


def test_approval_publishes_and_continues_to_the_council_vote(db: Session, make_org, staff: User) -> None:  # type: ignore[no-untyped-def]
    chair = make_org("理事长学院", OrgKind.COLLEGE, member_status=MemberStatus.ACTIVE, member_level=MemberLevel.PRESIDENT)
    voter = create_user(db, "chair", "secret-pass", "理事长代表", Role.COLLEGE, chair.id)
    application = apply_as_new_organization(db, _form(level="director")).application
    with pytest.raises(NotAllowed):
        decide_application(db, voter, application.id, True)
    decide_application(db, staff, application.id, True, "材料属实")
    org = application.org
    assert application.status is JoinStatus.APPROVED and org.status is Status.PUBLISHED
    case = application.case
    assert (case.status, case.requested_level, org.member_status) == (CaseStatus.SUBMITTED, MemberLevel.DIRECTOR,
                                                                      MemberStatus.APPLYING)
    assert pending_applications(db) == []
    with pytest.raises(JoinError):
        decide_application(db, staff, application.id, True)  # decided once
    assert org_for_registration(db, "佛山锐博机器人有限公司")[0] is org
    preliminary_review(db, staff, case.id, "accept", "")
    vote(db, voter, case.id, True)
    assert org.member_status is MemberStatus.ACTIVE and org.member_level is MemberLevel.DIRECTOR
    summaries = db.scalars(select(AuditEntry.summary).where(AuditEntry.record_id == org.id).order_by(AuditEntry.id)).all()
    assert [s.split("：")[0].split("（")[0] for s in summaries[:3]] == \
        ["新单位「佛山锐博机器人有限公司」申请入驻并入会", "通过新单位「佛山锐博机器人有限公司」的入驻申请", "「佛山锐博机器人有限公司」申请入会"]
    events = db.scalars(select(MembershipEvent.event).where(MembershipEvent.org_id == org.id).order_by(MembershipEvent.id)).all()
    assert events[:3] == ["join_applied", "join_approved", "submitted"]


def test_rejection_needs_a_reason_and_removes_the_draft(db: Session, staff: User) -> None:
    application = apply_as_new_organization(db, _form()).application
    org_id = application.org_id
    with pytest.raises(JoinError, match="写明理由"):
        decide_application(db, staff, application.id, False, "  ")
    decide_application(db, staff, application.id, False, "信用代码与营业执照不符")
    assert application.status is JoinStatus.REJECTED and application.org_id is None
    assert db.get(Organization, org_id) is None
    assert db.scalar(select(AuditEntry).where(AuditEntry.summary.like("不予通过新单位%"))).actor == "staff"
    assert apply_as_new_organization(db, _form()).errors == {}  # the name and code are free again


def test_registration_tolerates_width_and_space_and_suggests_the_closest(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    target = make_org("深圳华创智能装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    make_org("深圳华创智能科技有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    make_org("重庆轻工职业学院", OrgKind.COLLEGE, status=Status.PUBLISHED)
    make_org("深圳华创智能装备研究院", OrgKind.INSTITUTE, status=Status.DRAFT)
    assert org_for_registration(db, "深圳 华创智能装备有限公司")[0] is target
    assert org_for_registration(db, "深圳华创　智能装备有限公司")[0] is target  # an ideographic space
    names = [o.name for o in suggest_organizations(db, "深圳华创智能装备")]
    assert names[0] == "深圳华创智能装备有限公司" and "重庆轻工职业学院" not in names
    assert "深圳华创智能装备研究院" not in names  # drafts are not suggested
    user, errors = register(db, {"username": "new", "password": "secret-pass", "password2": "secret-pass",
                                 "display_name": "小王", "role": "enterprise", "org_name": "深圳华创智能装备"})
    assert user is None and "单位库中没有「深圳华创智能装备」" in errors["org_name"]
    user, errors = register(db, {"username": "new", "password": "secret-pass", "password2": "secret-pass",
                                 "display_name": "小王", "role": "enterprise", "org_name": "深圳华创智能装备",
                                 "org_pick": "深圳华创智能装备有限公司"})
    assert errors == {} and user.org_id == target.id and not user.active
