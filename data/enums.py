"""Closed vocabularies. Values are stable English codes stored in the DB; labels are Chinese.

Import accepts either the code or the label, export writes the label.
"""

from __future__ import annotations

import enum
from typing import Self


class LabeledEnum(str, enum.Enum):
    """A string enum whose members carry a Chinese label: ``MEMBER = ("code", "标签")``."""

    label: str

    def __new__(cls, value: str, label: str) -> "LabeledEnum":
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def parse(cls, text: str) -> Self:
        """Return the member whose code or label equals ``text``; raise ValueError otherwise."""
        if isinstance(text, cls):
            return text
        text = str(text).strip()
        for member in cls:
            if text == member.value or text == member.label:
                return member
        raise ValueError(f"应为以下之一：{'、'.join(m.label for m in cls)}")

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]


class Visibility(LabeledEnum):
    PUBLIC = ("public", "公开")
    MEMBERS = ("members", "会员可见")
    PRIVATE = ("private", "仅本单位")


class Status(LabeledEnum):
    DRAFT = ("draft", "草稿")
    PENDING = ("pending", "待审核")
    PUBLISHED = ("published", "已发布")
    ARCHIVED = ("archived", "已归档")
    REJECTED = ("rejected", "已驳回")


class OrgKind(LabeledEnum):
    ENTERPRISE = ("enterprise", "企业")
    COLLEGE = ("college", "院校")
    INSTITUTE = ("institute", "科研院所")
    ASSOCIATION = ("association", "行业协会")
    GOVERNMENT = ("government", "政府部门")
    INDUSTRY_COLLEGE = ("industry_college", "产业学院")


class MemberLevel(LabeledEnum):
    PRESIDENT = ("president", "理事长单位")
    VICE_PRESIDENT = ("vice_president", "副理事长单位")
    STANDING_DIRECTOR = ("standing_director", "常务理事单位")
    DIRECTOR = ("director", "理事单位")
    MEMBER = ("member", "会员单位")


class MemberStatus(LabeledEnum):
    NONE = ("none", "非会员")
    APPLYING = ("applying", "申请中")
    ACTIVE = ("active", "正式会员")
    WITHDRAWN = ("withdrawn", "已退出")
    LAPSED = ("lapsed", "已失效")
    EXPELLED = ("expelled", "已除名")


class ProfTitle(LabeledEnum):
    """职称."""

    PROFESSOR = ("professor", "教授")
    ASSOCIATE_PROFESSOR = ("associate_professor", "副教授")
    LECTURER = ("lecturer", "讲师")
    ASSISTANT = ("assistant", "助教")
    RESEARCHER = ("researcher", "研究员")
    ASSOCIATE_RESEARCHER = ("associate_researcher", "副研究员")
    SENIOR_ENGINEER_PLUS = ("senior_engineer_plus", "正高级工程师")
    SENIOR_ENGINEER = ("senior_engineer", "高级工程师")
    ENGINEER = ("engineer", "工程师")
    SENIOR_TECHNICIAN = ("senior_technician", "高级技师")
    TECHNICIAN = ("technician", "技师")
    OTHER = ("other", "其他")


class Availability(LabeledEnum):
    """Whether an expert takes consulting work now."""

    AVAILABLE = ("available", "可咨询")
    BUSY = ("busy", "档期紧张")
    PAUSED = ("paused", "暂停接单")


class TeacherKind(LabeledEnum):
    FULL_TIME = ("full_time", "专任教师")
    ENTERPRISE_PART_TIME = ("enterprise_part_time", "企业兼职教师")
    MENTOR = ("mentor", "企业导师")


class ProjectKind(LabeledEnum):
    TECH_PROBLEM = ("tech_problem", "技术攻关")
    HORIZONTAL = ("horizontal", "横向课题")
    CO_BUILT_BASE = ("co_built_base", "共建基地")
    CO_BUILT_COURSE = ("co_built_course", "共建课程")
    GOVERNMENT = ("government", "政府项目")
    TALENT_NEED = ("talent_need", "人才需求")
    TRAINING_NEED = ("training_need", "培训需求")
    COOPERATION_NEED = ("cooperation_need", "合作需求")


class AchievementKind(LabeledEnum):
    INVENTION_PATENT = ("invention_patent", "发明专利")
    UTILITY_PATENT = ("utility_patent", "实用新型专利")
    SOFTWARE_COPYRIGHT = ("software_copyright", "软件著作权")
    TECHNOLOGY = ("technology", "技术成果")
    NEW_VARIETY = ("new_variety", "新品种")
    STANDARD = ("standard", "标准")


class IPStatus(LabeledEnum):
    GRANTED = ("granted", "已授权")
    PENDING = ("pending", "申请中")
    NONE = ("none", "未申请")


class Maturity(LabeledEnum):
    """成熟度; the TRL number is stored beside it."""

    LAB = ("lab", "实验室阶段")
    PILOT = ("pilot", "小试")
    DEMO = ("demo", "中试")
    INDUSTRIAL = ("industrial", "产业化")


class TransferMode(LabeledEnum):
    ASSIGNMENT = ("assignment", "转让")
    LICENSE = ("license", "许可")
    EQUITY = ("equity", "作价入股")
    CO_DEVELOPMENT = ("co_development", "合作开发")


class EducationLevel(LabeledEnum):
    """学历层次, ordered from lowest to highest."""

    SECONDARY_VOCATIONAL = ("secondary_vocational", "中职")
    HIGHER_VOCATIONAL = ("higher_vocational", "高职")
    BACHELOR = ("bachelor", "本科")
    POSTGRADUATE = ("postgraduate", "研究生")

    @property
    def rank(self) -> int:
        return list(EducationLevel).index(self)


class JobKind(LabeledEnum):
    INTERNSHIP = ("internship", "实习")
    FULL_TIME = ("full_time", "全职")
    PART_TIME = ("part_time", "兼职")
    APPRENTICESHIP = ("apprenticeship", "学徒岗位")  # 现代学徒制: counts against a 双选 round's apprentice share


class FeedbackAction(LabeledEnum):
    INTERESTED = ("interested", "感兴趣")
    REJECTED = ("rejected", "不合适")
    CONTACTED = ("contacted", "已联系")
    COOPERATED = ("cooperated", "已合作")


class RejectReason(LabeledEnum):
    FIELD = ("field", "领域不符")
    REGION = ("region", "地区太远")
    SENIORITY = ("seniority", "资历不够")
    EXISTING = ("existing", "已有合作")
    OTHER = ("other", "其他")


class Role(LabeledEnum):
    ENTERPRISE = ("enterprise", "企业用户")
    COLLEGE = ("college", "院校用户")
    STUDENT = ("student", "学生")
    EXPERT = ("expert", "专家/教师")
    STAFF = ("staff", "秘书处工作人员")
    ADMIN = ("admin", "管理员")

    @property
    def is_staff(self) -> bool:
        """The secretariat and administrators: they curate every pool and run the workflows."""
        return self in (Role.STAFF, Role.ADMIN)


class ApplicationStatus(LabeledEnum):
    """已投递 → 已查看 → 面试邀请 → 录用 / 未录用 → (录用的) 已接受 / 已放弃; the student may withdraw
    before a decision (``data.workflows.students.TRANSITIONS``)."""

    SUBMITTED = ("submitted", "已投递")
    VIEWED = ("viewed", "已查看")
    INTERVIEW = ("interview", "面试邀请")
    ACCEPTED = ("accepted", "已录用")
    REJECTED = ("rejected", "未录用")
    CONFIRMED = ("confirmed", "已接受")
    DECLINED = ("declined", "已放弃")
    WITHDRAWN = ("withdrawn", "已撤回")


class ApplicationRejection(LabeledEnum):
    """Why an application was turned down (the student sees it)."""

    MAJOR = ("major", "专业不对口")
    SKILLS = ("skills", "技能或经验不符")
    TIME = ("time", "实习时间不合适")
    FILLED = ("filled", "名额已满")
    OTHER = ("other", "其他")


class RevisionStatus(LabeledEnum):
    """An edit of a published record, waiting for the secretariat."""

    PENDING = ("pending", "待审核")
    APPLIED = ("applied", "已生效")
    REJECTED = ("rejected", "已驳回")
    CHANGES_REQUESTED = ("changes_requested", "退回修改")
    SUPERSEDED = ("superseded", "已被新修改取代")


class ProposalStatus(LabeledEnum):
    """A college proposes one of its teachers for practice at an enterprise (教师企业实践)."""

    PROPOSED = ("proposed", "待企业答复")
    ACCEPTED = ("accepted", "企业已接受")
    DECLINED = ("declined", "企业已婉拒")
    WITHDRAWN = ("withdrawn", "院校已撤回")


class AuditAction(LabeledEnum):
    """What an audit log entry records. Stored as a plain string so new actions need no migration."""

    CREATE = ("create", "新建")
    UPDATE = ("update", "修改")
    SUBMIT = ("submit", "提交修改")
    APPROVE = ("approve", "审核通过")
    REJECT = ("reject", "驳回")
    REQUEST_CHANGES = ("request_changes", "退回修改")
    MERGE = ("merge", "合并重复记录")
    DELETE = ("delete", "删除")
    IMPORT = ("import", "批量导入")
    EXPORT = ("export", "导出")
    PROPOSE = ("propose", "推荐教师实践")
    ANSWER = ("answer", "答复实践推荐")
    APPLICATION = ("application", "处理实习申请")
    ACCOUNT = ("account", "账号变更")
    MEMBERSHIP = ("membership", "会员变更")
    VOTE = ("vote", "理事会表决")
    CONTACT = ("contact", "联系方式授权")
    DATA_EXPORT = ("data_export", "个人数据下载")
    ROUND = ("round", "双选轮次")
    PANEL = ("panel", "专家评审")
    FAIR = ("fair", "双选会")


class ContactPurpose(LabeledEnum):
    INTERNSHIP = ("internship", "实习邀请")
    PROJECT = ("project", "项目合作")
    CONSULTING = ("consulting", "技术咨询")
    HIRING = ("hiring", "人才招聘")
    PRACTICE = ("practice", "教师企业实践")
    OTHER = ("other", "其他")


class ContactStatus(LabeledEnum):
    PENDING = ("pending", "待对方答复")
    ACCEPTED = ("accepted", "已同意")
    DECLINED = ("declined", "已拒绝")
    WITHDRAWN = ("withdrawn", "已撤回")  # by the requester, before an answer
    REVOKED = ("revoked", "已收回授权")  # by the person, after agreeing


class CaseKind(LabeledEnum):
    JOIN = ("join", "入会申请")
    EXPEL = ("expel", "除名动议")


class CaseStatus(LabeledEnum):
    SUBMITTED = ("submitted", "待秘书处初审")
    RETURNED = ("returned", "退回补充材料")
    REJECTED = ("rejected", "初审未通过")
    VOTING = ("voting", "理事会表决中")
    APPROVED = ("approved", "表决通过")
    REFUSED = ("refused", "表决未通过")


class JoinStatus(LabeledEnum):
    """A new organization's application to be registered (入驻), before its membership case."""

    SUBMITTED = ("submitted", "待秘书处审核")
    APPROVED = ("approved", "已通过")
    REJECTED = ("rejected", "未通过")


class NotificationKind(LabeledEnum):
    """What a message in a user's inbox (and e-mail) is about."""

    APPLICATION_RECEIVED = ("application_received", "收到投递")
    APPLICATION_STATUS = ("application_status", "投递状态变化")
    PROPOSAL_RECEIVED = ("proposal_received", "收到实践邀请")
    PROPOSAL_ANSWERED = ("proposal_answered", "实践邀请有回复")
    CONTACT_RECEIVED = ("contact_received", "收到联系请求")
    CONTACT_ANSWERED = ("contact_answered", "联系请求有回复")
    REVIEW_DECISION = ("review_decision", "审核结果")
    EDIT_APPROVED = ("edit_approved", "修改已通过")
    MEMBERSHIP = ("membership", "会员事务")
    SUBSCRIPTION = ("subscription", "订阅的新匹配")
    AGREEMENT = ("agreement", "合作记录")


class MailMode(LabeledEnum):
    """How a user wants one kind of message by e-mail."""

    IMMEDIATE = ("immediate", "立即发送")
    DIGEST = ("digest", "每日汇总")
    OFF = ("off", "不发邮件")


class MailState(LabeledEnum):
    """Where a message's e-mail stands (the inbox always has the message)."""

    NONE = ("none", "不发邮件")  # mail not configured, no address, or the user said no
    PENDING = ("pending", "待发送")
    DIGEST = ("digest", "待每日汇总")
    SENT = ("sent", "已发送")
    FAILED = ("failed", "发送失败")


class AgreementKind(LabeledEnum):
    """What a 合作记录 is (the 产教联合体 indicator table counts them by kind)."""

    HORIZONTAL = ("horizontal", "横向课题")
    TRANSFER = ("transfer", "技术转让")
    LICENSE = ("license", "技术许可")
    EQUITY = ("equity", "作价入股")
    CONSULTING = ("consulting", "技术咨询")
    INTERNSHIP = ("internship", "实习")
    APPRENTICESHIP = ("apprenticeship", "学徒")
    PART_TIME_TEACHER = ("part_time_teacher", "企业兼职教师")
    TEACHER_PRACTICE = ("teacher_practice", "教师企业实践")
    CO_MAJOR = ("co_major", "共建专业")
    CO_COURSE = ("co_course", "共建课程")
    CO_TEXTBOOK = ("co_textbook", "共建教材")
    CO_TRAINING_BASE = ("co_training_base", "共建实训基地")
    CO_COLLEGE = ("co_college", "共建产业学院")
    STAFF_TRAINING = ("staff_training", "员工培训")


class AgreementStatus(LabeledEnum):
    OPEN = ("open", "进行中")
    CLOSED = ("closed", "已结束")


class ActivityUnit(LabeledEnum):
    """What logged activity counts: the indicator table's units."""

    TEACHING_HOURS = ("teaching_hours", "授课课时")
    PRACTICE_MONTHS = ("practice_months", "实践人月")
    INTERNSHIP_MONTHS = ("internship_months", "实习人月")
    TRAINEE_DAYS = ("trainee_days", "培训人日")


class ActivityStatus(LabeledEnum):
    PENDING = ("pending", "待对方确认")
    CONFIRMED = ("confirmed", "已确认")
    DISPUTED = ("disputed", "对方有异议")


class RoundStatus(LabeledEnum):
    """A 双选 round: 草稿 → 开放填报 → 填报截止 → 已分配 → 已发布 (``data.workflows.rounds``)."""

    DRAFT = ("draft", "草稿")
    OPEN = ("open", "开放填报")
    CLOSED = ("closed", "填报截止")
    ALLOCATED = ("allocated", "已分配")
    PUBLISHED = ("published", "已发布")


class RoundMethod(LabeledEnum):
    """How a round is allocated (``matcher.allocation.Method`` has the same codes)."""

    STABLE = ("stable", "稳定匹配")
    WELFARE = ("welfare", "总体匹配度最高")


class RoundMark(LabeledEnum):
    """How a post's enterprise marks an applicant (``matcher.allocation.Mark`` has the same codes)."""

    PREFERRED = ("preferred", "优先")
    ACCEPTABLE = ("acceptable", "可接受")
    NOT_ACCEPTABLE = ("not_acceptable", "不接受")


class PanelStatus(LabeledEnum):
    """An expert review batch: 草稿 → 已分配 → 已邀请 → 评分中 → 已结束 (``data.workflows.panels``)."""

    DRAFT = ("draft", "草稿")
    ASSIGNED = ("assigned", "已分配")
    INVITED = ("invited", "已邀请")
    SCORING = ("scoring", "评分中")
    FINISHED = ("finished", "已结束")


class SeatStatus(LabeledEnum):
    """A reviewer's seat on one item's panel."""

    PROPOSED = ("proposed", "拟邀请")
    INVITED = ("invited", "已邀请")
    ACCEPTED = ("accepted", "已接受")
    DECLINED = ("declined", "已谢绝")


class FairStatus(LabeledEnum):
    """A 双选会 event: 草稿 → 报名中 → 进行中 → 已结束 (``data.workflows.fairs``)."""

    DRAFT = ("draft", "草稿")
    OPEN = ("open", "报名中")
    RUNNING = ("running", "进行中")
    FINISHED = ("finished", "已结束")
