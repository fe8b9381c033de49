"""The authorization matrix: every route of the app × every kind of user, allow or deny.

``RULES`` holds one or more cases per endpoint; the first test fails when the app has an
endpoint without a rule, so a new route cannot ship unchecked. Each user kind runs every case
against its own copy of the same database and indexes (cases change data, kinds must not see
each other's changes). CSRF is switched off here so the outcome is the authorization alone;
CSRF has tests of its own.

Outcomes: *allow* means the request got past authorization (any status but 401/403/404 and
a redirect to the login page; validation errors count as allowed); *deny* means 401, 403, a
redirect to the login page, or 404 where a record must not be revealed. A 500 fails always.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.enums import (ActivityUnit, AgreementKind, CaseKind, CaseStatus, ContactPurpose, FairStatus, MemberLevel, MemberStatus,
                        Role, PanelStatus, RoundStatus, SeatStatus, Status, Visibility)
from data.keys import natural_key
from data.workflows.accounts import create_api_token, create_user
from data.models import (Activity, Agreement, AllocationRound, Application, ContactRequest, Expert, FairAttendee, FairEvent,
                         FairExhibitor, FairPost, MembershipCase,
                         Organization, PracticeProposal, Project, ReviewBatch, ReviewItem, ReviewSeat, Revision, RoundPost,
                         RoundStudent, Talent, User)
from data.pools import Pool
from data.settings import instance_dir
from indexer.context import get_context
from indexer.operations import rebuild_pool
from tests.matcher.world import build_world
from web import create_app

SQLITE = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)

ANON, MAKER, OTHER, LAPSED, COLLEGE, STUDENT, EXPERT, STAFF, ADMIN = (
    "anonymous", "maker", "other_org", "lapsed", "college", "student", "expert", "staff", "admin")
KINDS = (ANON, MAKER, OTHER, LAPSED, COLLEGE, STUDENT, EXPERT, STAFF, ADMIN)
LOGGED_IN = frozenset(KINDS) - {ANON}
EVERYONE = frozenset(KINDS)
STAFFS = frozenset({STAFF, ADMIN})
ENTERPRISES = frozenset({MAKER, OTHER, LAPSED})
# 会员可见: members in good standing (any role), the owner's insiders, staff.
MEMBERS_VIEW = frozenset({MAKER, COLLEGE, STUDENT, EXPERT, STAFF, ADMIN})
# The two parties of the fixture's 合作记录 (the maker and the college) and staff.
PARTIES = frozenset({MAKER, COLLEGE, STAFF, ADMIN})


@dataclass(frozen=True)
class Case:
    method: str
    url: Callable[[dict[str, int]], str]
    allowed: frozenset[str]
    body: dict[str, Any] | None = None
    json: bool = False


def C(method: str, url: str | Callable[[dict[str, int]], str], allowed: frozenset[str], body: dict[str, Any] | None = None,
      json: bool = False) -> Case:
    return Case(method, url if callable(url) else (lambda _ids, u=url: u), allowed, body, json)


RULES: dict[str, list[Case]] = {
    "static": [C("GET", "/static/style.css", EVERYONE)],
    "healthz": [C("GET", "/healthz", EVERYONE)],
    "auth.login": [C("GET", "/login", EVERYONE), C("POST", "/login", EVERYONE, {"username": "x", "password": "y"})],
    "auth.register_account": [C("GET", "/register", EVERYONE)],
    "auth.join": [C("GET", "/join", EVERYONE), C("POST", "/join", EVERYONE, {"name": ""})],
    "auth.account": [C("GET", "/account", LOGGED_IN), C("POST", "/account", LOGGED_IN, {"display_name": ""})],
    "auth.logout": [C("POST", "/logout", LOGGED_IN)],
    "auth.password": [C("GET", "/account/password", LOGGED_IN), C("POST", "/account/password", LOGGED_IN, {"old": "x"})],
    "auth.pending": [C("GET", "/staff/accounts", STAFFS)],
    "auth.decide_account": [C("POST", "/staff/accounts/999999", STAFFS, {"decision": "approve"})],
    "pages.home": [C("GET", "/?q=机器视觉", EVERYONE)],
    "pages.pool_list": [C("GET", "/pool/expert", EVERYONE)],
    "pages.detail": [C("GET", lambda i: f"/pool/project/{i['vision_need']}", EVERYONE),
                     C("GET", lambda i: f"/pool/talent/{i['fit_student']}", MEMBERS_VIEW),  # 会员可见
                     C("GET", lambda i: f"/pool/project/{i['private_need']}", frozenset({MAKER, STAFF, ADMIN}))],
    "pages.new_need": [C("GET", "/needs/new", frozenset({MAKER, OTHER, LAPSED, COLLEGE}) | STAFFS)],
    "pages.new_record": [C("GET", "/pool/internship/new", ENTERPRISES | STAFFS),
                         C("POST", "/pool/teacher/new", ENTERPRISES | {COLLEGE, EXPERT} | STAFFS, {})],
    "pages.edit_record": [C("GET", lambda i: f"/pool/project/{i['vision_need']}/edit", frozenset({MAKER}) | STAFFS),
                          C("POST", lambda i: f"/pool/project/{i['vision_need']}/edit", frozenset({MAKER}) | STAFFS, {})],
    "pages.delete_record_page": [C("POST", lambda i: f"/pool/internship/{i['post']}/delete", frozenset({MAKER}) | STAFFS)],
    "pages.delete_confirm": [C("GET", lambda i: f"/pool/internship/{i['post']}/delete", frozenset({MAKER}) | STAFFS)],
    "pages.mine": [C("GET", "/mine", LOGGED_IN)],
    "pages.feedback": [C("POST", "/feedback", LOGGED_IN, {"source_pool": "x"})],
    "pages.export_list": [C("GET", "/pool/expert/export.xlsx", STAFFS)],
    "pages.staff_audit": [C("GET", "/staff/audit", STAFFS)],
    "pages.staff_dashboard": [C("GET", "/staff/dashboard", STAFFS)],
    "pages.staff_review": [C("GET", "/staff/review", STAFFS)],
    "pages.staff_decide": [C("POST", lambda i: f"/staff/review/project/{i['pending_need']}", STAFFS, {"decision": "x"})],
    "pages.staff_decide_revision": [C("POST", lambda i: f"/staff/review/revision/{i['revision']}", STAFFS, {"decision": "x"})],
    "pages.staff_decide_bulk": [C("POST", "/staff/review/bulk", STAFFS, {"decision": "x"})],
    "pages.staff_duplicates": [C("GET", "/staff/duplicates?pool=expert", STAFFS)],
    "pages.staff_merge": [C("POST", "/staff/duplicates/merge", STAFFS, {"pool": "expert"})],
    "pages.staff_merge_confirm": [C("GET", "/staff/duplicates/merge?pool=expert&keep_id=1&drop_id=2", STAFFS)],
    "pages.staff_import": [C("GET", "/staff/import", STAFFS), C("POST", "/staff/import", STAFFS, {"pool": "expert"})],
    "pages.staff_import_template": [C("GET", "/staff/import/template?pool=expert", STAFFS)],
    "pages.staff_import_confirm": [C("POST", "/staff/import/confirm", STAFFS, {"pool": "expert", "upload_id": "x"})],
    "pages.staff_membership": [C("GET", "/staff/membership", STAFFS),
                               C("POST", "/staff/membership", STAFFS, {"action": "x"})],
    "pages.student_profile": [C("GET", "/student/profile", frozenset({STUDENT}) | STAFFS)],
    "pages.student_internships": [C("GET", "/student/internships", frozenset({STUDENT}) | STAFFS)],
    "pages.student_apply": [C("POST", lambda i: f"/student/apply/{i['post']}", frozenset({STUDENT}) | STAFFS)],
    "pages.student_applications": [C("GET", "/student/applications", frozenset({STUDENT}) | STAFFS)],
    "pages.org_applications": [C("GET", "/org/applications", ENTERPRISES | STAFFS)],
    "pages.org_decide_application": [C("POST", lambda i: f"/org/applications/{i['application']}", frozenset({MAKER}) | STAFFS,
                                       {"decision": "reject"})],
    "pages.application_page": [C("GET", lambda i: f"/applications/{i['application']}", frozenset({MAKER}) | STAFFS)],
    "pages.application_interview": [C("POST", lambda i: f"/applications/{i['application']}/interview",
                                      frozenset({MAKER}) | STAFFS, {"interview_at": "", "interview_place": ""})],
    "pages.application_decision": [C("POST", lambda i: f"/applications/{i['application']}/decision",
                                     frozenset({MAKER}) | STAFFS, {"decision": "reject", "reason": "x"})],
    # The world's application is by a student without an account: no user is its student side.
    "pages.application_offer": [C("POST", lambda i: f"/applications/{i['application']}/offer", frozenset(),
                                  {"answer": "accept"})],
    "pages.application_withdraw": [C("POST", lambda i: f"/applications/{i['application']}/withdraw", frozenset())],
    "pages.application_message": [C("POST", lambda i: f"/applications/{i['application']}/messages",
                                    frozenset({MAKER}) | STAFFS, {"text": ""})],
    "pages.proposals": [C("GET", "/proposals", ENTERPRISES | {COLLEGE} | STAFFS)],
    "pages.proposal_new": [C("POST", "/proposals", frozenset({COLLEGE}) | STAFFS, {"teacher_id": "x"})],
    "pages.proposal_answer": [C("POST", lambda i: f"/proposals/{i['proposal']}/answer", frozenset({MAKER}) | STAFFS,
                                {"decision": "accept"})],
    "pages.proposal_withdraw": [C("POST", lambda i: f"/proposals/{i['proposal']}/withdraw", frozenset({COLLEGE}) | STAFFS)],
    "pages.my_profile": [C("GET", "/me/profile", frozenset({EXPERT}) | STAFFS)],
    "pages.contact_request": [C("POST", lambda i: f"/contact/expert/{i['vision_expert']}", LOGGED_IN, {"purpose": "x"})],
    "pages.contact_list": [C("GET", "/contacts", LOGGED_IN)],
    "pages.contact_answer": [C("POST", lambda i: f"/contacts/{i['contact']}/answer", frozenset({COLLEGE}),
                               {"decision": "decline"})],
    "pages.contact_revoke": [C("POST", lambda i: f"/contacts/{i['contact']}/revoke", frozenset({OTHER}))],
    "pages.my_data": [C("GET", "/me/data.json", LOGGED_IN)],
    "pages.delete_me": [C("GET", "/me/delete", frozenset({STUDENT}) | STAFFS)],
    "pages.membership_page": [C("GET", "/membership", ENTERPRISES | {COLLEGE} | STAFFS),
                              C("POST", "/membership", ENTERPRISES | {COLLEGE} | STAFFS, {"action": "x"})],
    "pages.inbox": [C("GET", "/inbox", LOGGED_IN)],
    "pages.inbox_open": [C("GET", "/inbox/999999", LOGGED_IN)],
    "pages.inbox_read": [C("POST", "/inbox/read", LOGGED_IN, {"all": "1"})],
    "pages.inbox_settings": [C("GET", "/inbox/settings", LOGGED_IN), C("POST", "/inbox/settings", LOGGED_IN, {})],
    "pages.subscription_list": [C("GET", "/subscriptions", LOGGED_IN)],
    "pages.subscription_new": [C("POST", "/subscriptions", LOGGED_IN, {"q": "机器视觉"})],  # a record's: test_inbox
    "pages.subscription_delete": [C("POST", "/subscriptions/999999/delete", frozenset())],
    "pages.staff_mail": [C("GET", "/staff/mail", STAFFS)],
    "pages.staff_mail_resend": [C("POST", "/staff/mail/resend", STAFFS)],
    "pages.agreement_list": [C("GET", "/agreements", LOGGED_IN)],
    "pages.agreement_new": [C("POST", "/agreements", ENTERPRISES | {COLLEGE} | STAFFS, {"kind": "x"})],
    "pages.agreement_detail": [C("GET", lambda i: f"/agreements/{i['agreement']}", PARTIES)],
    "pages.agreement_from": [C("POST", lambda i: f"/agreements/from/proposal/{i['proposal']}", ENTERPRISES | {COLLEGE} | STAFFS)],
    "pages.agreement_log": [C("POST", lambda i: f"/agreements/{i['agreement']}/activities", PARTIES, {"unit": "x"})],
    "pages.activity_answer": [C("POST", lambda i: f"/activities/{i['activity']}/answer", frozenset({COLLEGE}) | STAFFS,
                                {"decision": "dispute"})],
    "pages.agreement_close": [C("POST", lambda i: f"/agreements/{i['agreement']}/close", PARTIES)],
    "pages.agreement_export": [C("GET", "/agreements/export.xlsx", LOGGED_IN)],
    "pages.agreement_import": [C("POST", "/agreements/import", STAFFS)],
    "api.openapi": [C("GET", "/api/v1/openapi.json", EVERYONE)],
    "api.docs": [C("GET", "/api/v1/docs", EVERYONE)],
    "api.docs_asset": [C("GET", "/api/v1/docs/assets/swagger-ui.css", EVERYONE)],
    "api.list_pool": [C("GET", "/api/v1/pools/project", EVERYONE)],
    "api.get_record": [C("GET", lambda i: f"/api/v1/pools/project/{i['vision_need']}", EVERYONE),
                       C("GET", lambda i: f"/api/v1/pools/talent/{i['fit_student']}", MEMBERS_VIEW),
                       C("GET", lambda i: f"/api/v1/pools/project/{i['private_need']}", frozenset({MAKER, STAFF, ADMIN}))],
    "api.search": [C("GET", "/api/v1/search?q=机器视觉&pool=project", EVERYONE)],
    "api.recommendations": [
        C("GET", lambda i: f"/api/v1/recommendations/project/{i['vision_need']}?direction=need_experts", EVERYONE),
        C("GET", lambda i: f"/api/v1/recommendations/project/{i['private_need']}?direction=need_experts",
          frozenset({MAKER, STAFF, ADMIN}))],
    "api.feedback": [C("POST", "/api/v1/feedback", LOGGED_IN, {}, json=True)],
    "api.job_status": [C("GET", "/api/v1/jobs/" + "0" * 32, LOGGED_IN)],  # who else sees a real job: test_boundary
    "api.list_applications": [C("GET", "/api/v1/applications", LOGGED_IN)],
    "api.get_application": [C("GET", lambda i: f"/api/v1/applications/{i['application']}", frozenset({MAKER}) | STAFFS)],
    "api.create_application": [C("POST", "/api/v1/applications", frozenset({STUDENT}), {}, json=True)],
    "api.application_interview_api": [C("POST", lambda i: f"/api/v1/applications/{i['application']}/interview",
                                        frozenset({MAKER}) | STAFFS, {}, json=True)],
    "api.application_decision_api": [C("POST", lambda i: f"/api/v1/applications/{i['application']}/decision",
                                       frozenset({MAKER}) | STAFFS, {}, json=True)],
    "api.application_offer_api": [C("POST", lambda i: f"/api/v1/applications/{i['application']}/offer", frozenset(),
                                    {"accept": True}, json=True)],
    "api.application_withdraw_api": [C("POST", lambda i: f"/api/v1/applications/{i['application']}/withdraw", frozenset())],
    "api.application_message_api": [C("POST", lambda i: f"/api/v1/applications/{i['application']}/messages",
                                      frozenset({MAKER}) | STAFFS, {}, json=True)],
    "api.create_record_api": [C("POST", "/api/v1/pools/internship", ENTERPRISES | STAFFS, {}, json=True)],
    "api.update_record_api": [C("PATCH", lambda i: f"/api/v1/pools/project/{i['vision_need']}",
                                frozenset({MAKER}) | STAFFS, {"name": ""}, json=True)],
    "api.delete_record_api": [C("DELETE", lambda i: f"/api/v1/pools/project/{i['spare_need']}", frozenset({MAKER}) | STAFFS)],
    "api.start_import_api": [C("POST", "/api/v1/imports/project", STAFFS, {})],
    "api.start_reindex_api": [C("POST", "/api/v1/reindex/nopool", STAFFS)],
    "api.notifications": [C("GET", "/api/v1/notifications", LOGGED_IN)],
    "api.notifications_read": [C("POST", "/api/v1/notifications/read", LOGGED_IN, {}, json=True)],
    "api.notification_settings": [C("GET", "/api/v1/notification-settings", LOGGED_IN)],
    "api.save_notification_settings": [C("PUT", "/api/v1/notification-settings", LOGGED_IN, {}, json=True)],
    "api.subscription_list": [C("GET", "/api/v1/subscriptions", LOGGED_IN)],
    "api.subscribe": [C("POST", "/api/v1/subscriptions", LOGGED_IN, {"q": "机器视觉"}, json=True)],
    "api.unsubscribe": [C("DELETE", "/api/v1/subscriptions/999999", frozenset())],
    "api.list_agreements": [C("GET", "/api/v1/agreements", LOGGED_IN)],
    "api.get_agreement": [C("GET", lambda i: f"/api/v1/agreements/{i['agreement']}", PARTIES)],
    "api.create_agreement": [C("POST", "/api/v1/agreements", ENTERPRISES | {COLLEGE} | STAFFS, {}, json=True)],
    "api.create_agreement_from": [C("POST", lambda i: f"/api/v1/agreements/from/proposal/{i['proposal']}",
                                    ENTERPRISES | {COLLEGE} | STAFFS, {}, json=True)],
    "api.log_activity": [C("POST", lambda i: f"/api/v1/agreements/{i['agreement']}/activities", PARTIES, {"unit": "x"},
                           json=True)],
    "api.answer_activity": [C("POST", lambda i: f"/api/v1/activities/{i['activity']}/answer", frozenset({COLLEGE}) | STAFFS,
                              {"confirm": False}, json=True)],
    "api.close_agreement": [C("POST", lambda i: f"/api/v1/agreements/{i['agreement']}/close", PARTIES)],
    # 双选: the fixture's round is open, with the maker's post and the matrix student's profile.
    "pages.staff_rounds": [C("GET", "/staff/rounds", STAFFS)],
    "pages.staff_round_new": [C("POST", "/staff/rounds", STAFFS, {"name": ""})],
    "pages.staff_round": [C("GET", lambda i: f"/staff/rounds/{i['round']}", STAFFS)],
    "pages.staff_round_step": [C("POST", lambda i: f"/staff/rounds/{i['round']}/open", STAFFS)],
    "pages.staff_round_edit": [C("POST", lambda i: f"/staff/rounds/{i['round']}/edit", STAFFS, {"name": ""})],
    "pages.staff_round_whatif": [C("GET", lambda i: f"/staff/rounds/{i['round']}/whatif?method=welfare", STAFFS)],
    "pages.staff_round_export": [C("GET", lambda i: f"/staff/rounds/{i['round']}/export", STAFFS)],
    "pages.my_rounds": [C("GET", "/rounds", LOGGED_IN)],
    "pages.round_choices": [C("GET", lambda i: f"/rounds/{i['round']}/choices", frozenset({STUDENT}))],
    "pages.round_choices_save": [C("POST", lambda i: f"/rounds/{i['round']}/choices", frozenset({STUDENT}),
                                   {"choice_1": "abc"})],
    "pages.round_marks": [C("GET", lambda i: f"/rounds/{i['round']}/marks", frozenset({MAKER}) | STAFFS)],
    "pages.round_marks_save": [C("POST", lambda i: f"/rounds/{i['round']}/marks/{i['post']}", frozenset({MAKER}) | STAFFS,
                                 {"mark_x": ""})],
    # 双选会: the fixture's fair is open (报名中), with the maker's post and the matrix student registered.
    "pages.fair_list": [C("GET", "/fairs", LOGGED_IN)],
    "pages.fair_page": [C("GET", lambda i: f"/fairs/{i['fair']}", LOGGED_IN)],
    "pages.fair_results": [C("GET", lambda i: f"/fairs/{i['fair']}/results", LOGGED_IN)],
    "pages.fair_register": [C("POST", lambda i: f"/fairs/{i['fair']}/register", frozenset({STUDENT}))],
    "pages.fair_withdraw": [C("POST", lambda i: f"/fairs/{i['fair']}/withdraw", frozenset({STUDENT}))],
    "pages.fair_post_register": [C("POST", lambda i: f"/fairs/{i['fair']}/posts", ENTERPRISES, {"internship_id": "abc"})],
    "pages.fair_post_withdraw": [C("POST", lambda i: f"/fairs/{i['fair']}/posts/{i['post']}/withdraw", frozenset({MAKER}))],
    "pages.staff_fairs": [C("GET", "/staff/fairs", STAFFS)],
    "pages.staff_fair_new": [C("POST", "/staff/fairs", STAFFS, {"name": ""})],
    "pages.staff_fair": [C("GET", lambda i: f"/staff/fairs/{i['fair']}", STAFFS)],
    "pages.staff_fair_step": [C("POST", lambda i: f"/staff/fairs/{i['fair']}/status/open", STAFFS)],
    "pages.staff_fair_checkin": [C("POST", lambda i: f"/staff/fairs/{i['fair']}/checkin", STAFFS,
                                   {"kind": "student", "record_id": "x"})],
    "pages.staff_fair_round": [C("POST", lambda i: f"/staff/fairs/{i['fair']}/round", STAFFS)],
    "pages.staff_fair_signin": [C("GET", lambda i: f"/staff/fairs/{i['fair']}/signin", STAFFS)],
    "pages.staff_fair_export": [C("GET", lambda i: f"/staff/fairs/{i['fair']}/signin.xlsx", STAFFS)],
    # Review panels: the fixture's batch is invited, the matrix expert (李发酵's account) holds its one seat.
    "pages.staff_panels": [C("GET", "/staff/panels", STAFFS)],
    "pages.staff_panel_new": [C("POST", "/staff/panels", STAFFS, {"name": ""})],
    "pages.staff_panel": [C("GET", lambda i: f"/staff/panels/{i['batch']}", STAFFS)],
    "pages.staff_panel_step": [C("POST", lambda i: f"/staff/panels/{i['batch']}/finish", STAFFS)],
    "pages.staff_panel_refill": [C("POST", lambda i: f"/staff/panels/{i['batch']}/refill/{i['seat']}", STAFFS)],
    "pages.staff_panel_export": [C("GET", lambda i: f"/staff/panels/{i['batch']}/export", STAFFS)],
    "pages.my_panels": [C("GET", "/panels/mine", frozenset({EXPERT}))],
    "pages.panel_seat_answer": [C("POST", lambda i: f"/panels/seats/{i['seat']}/answer", frozenset({EXPERT}),
                                  {"answer": "accept"})],
    "pages.panel_seat_conflict": [C("POST", lambda i: f"/panels/seats/{i['seat']}/conflict", frozenset({EXPERT}),
                                    {"note": ""})],
    "pages.panel_seat_scores": [C("POST", lambda i: f"/panels/seats/{i['seat']}/scores", frozenset({EXPERT}),
                                  {"score_0": "80"})],
    # The same three through the API (same fixture round, fair and batch; cases run in endpoint order).
    "api.list_rounds": [C("GET", "/api/v1/rounds", LOGGED_IN)],
    "api.create_round": [C("POST", "/api/v1/rounds", STAFFS, {}, json=True)],
    "api.get_round": [C("GET", lambda i: f"/api/v1/rounds/{i['round']}", STAFFS)],
    "api.update_round": [C("PUT", lambda i: f"/api/v1/rounds/{i['round']}", STAFFS, {}, json=True)],
    "api.open_round": [C("POST", lambda i: f"/api/v1/rounds/{i['round']}/open", STAFFS)],
    "api.close_round": [C("POST", lambda i: f"/api/v1/rounds/{i['round']}/close", STAFFS)],
    "api.run_round": [C("POST", lambda i: f"/api/v1/rounds/{i['round']}/run", STAFFS)],
    "api.publish_round": [C("POST", lambda i: f"/api/v1/rounds/{i['round']}/publish", STAFFS)],
    "api.get_round_choices": [C("GET", lambda i: f"/api/v1/rounds/{i['round']}/choices", frozenset({STUDENT}))],
    "api.save_round_choices": [C("PUT", lambda i: f"/api/v1/rounds/{i['round']}/choices", frozenset({STUDENT}),
                                 {"choices": ["abc"]}, json=True)],
    "api.get_round_marks": [C("GET", lambda i: f"/api/v1/rounds/{i['round']}/marks", frozenset({MAKER}) | STAFFS)],
    "api.save_round_marks": [C("PUT", lambda i: f"/api/v1/rounds/{i['round']}/marks/{i['post']}",
                               frozenset({MAKER}) | STAFFS, {"marks": {"x": ""}}, json=True)],
    "api.list_panels": [C("GET", "/api/v1/panels", STAFFS)],
    "api.create_panel": [C("POST", "/api/v1/panels", STAFFS, {}, json=True)],
    "api.get_panel": [C("GET", lambda i: f"/api/v1/panels/{i['batch']}", STAFFS)],
    "api.run_panel": [C("POST", lambda i: f"/api/v1/panels/{i['batch']}/run", STAFFS)],
    "api.invite_panel": [C("POST", lambda i: f"/api/v1/panels/{i['batch']}/invite", STAFFS)],
    "api.finish_panel": [C("POST", lambda i: f"/api/v1/panels/{i['batch']}/finish", STAFFS)],
    "api.refill_panel_seat": [C("POST", lambda i: f"/api/v1/panels/{i['batch']}/seats/{i['seat']}/refill", STAFFS)],
    "api.list_panel_seats": [C("GET", "/api/v1/panel-seats", frozenset({EXPERT}))],
    "api.answer_panel_seat": [C("POST", lambda i: f"/api/v1/panel-seats/{i['seat']}/answer", frozenset({EXPERT}),
                                {"accept": True}, json=True)],
    "api.declare_panel_conflict": [C("POST", lambda i: f"/api/v1/panel-seats/{i['seat']}/conflict", frozenset({EXPERT}),
                                     {"note": ""}, json=True)],
    "api.score_panel_seat": [C("PUT", lambda i: f"/api/v1/panel-seats/{i['seat']}/scores", frozenset({EXPERT}),
                               {"scores": {"创新性": 80}}, json=True)],
    "api.list_fairs": [C("GET", "/api/v1/fairs", LOGGED_IN)],
    "api.get_fair": [C("GET", lambda i: f"/api/v1/fairs/{i['fair']}", LOGGED_IN)],
    "api.get_fair_results": [C("GET", lambda i: f"/api/v1/fairs/{i['fair']}/results", LOGGED_IN)],
    "api.register_for_fair": [C("POST", lambda i: f"/api/v1/fairs/{i['fair']}/register", frozenset({STUDENT}))],
    "api.withdraw_from_fair": [C("POST", lambda i: f"/api/v1/fairs/{i['fair']}/withdraw", frozenset({STUDENT}))],
    "api.register_fair_post": [C("POST", lambda i: f"/api/v1/fairs/{i['fair']}/posts", ENTERPRISES,
                                 {"internship_id": "abc"}, json=True)],
    "api.withdraw_fair_post": [C("POST", lambda i: f"/api/v1/fairs/{i['fair']}/posts/{i['post']}/withdraw",
                                 frozenset({MAKER}))],
    "api.check_in_at_fair": [C("POST", lambda i: f"/api/v1/fairs/{i['fair']}/checkin", STAFFS,
                               {"kind": "student", "record_id": "x"}, json=True)],
}
# Answers that count as "not past authorization" beside 401/403 and a redirect to the login page.
NOT_FOUND_DENIES = {"pages.subscription_delete", "api.unsubscribe", "pages.detail", "pages.edit_record", "pages.delete_record_page", "api.get_record",
                    "api.recommendations", "api.update_record_api", "api.delete_record_api",
                    "pages.org_decide_application", "pages.proposal_answer", "pages.proposal_withdraw",
                    "pages.contact_answer", "pages.contact_revoke", "pages.agreement_detail", "pages.agreement_log",
                    "pages.activity_answer", "pages.agreement_close", "api.get_agreement", "api.log_activity",
                    "api.answer_activity", "api.close_agreement", "pages.application_page",
                    "pages.application_interview", "pages.application_decision", "pages.application_offer",
                    "pages.application_withdraw", "pages.application_message", "api.get_application",
                    "api.application_interview_api", "api.application_decision_api", "api.application_offer_api",
                    "api.application_withdraw_api", "api.application_message_api", "pages.round_choices",
                    "pages.round_choices_save", "pages.round_marks", "pages.round_marks_save",
                    "pages.panel_seat_answer", "pages.panel_seat_conflict", "pages.panel_seat_scores",
                    "api.get_round_marks"}


def test_every_route_has_a_rule() -> None:
    app = create_app({"TESTING": True})
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert endpoints - set(RULES) == set(), "routes without an authorization rule"
    assert set(RULES) - endpoints == set(), "rules for routes that no longer exist"
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        covered = {c.method for c in RULES[rule.endpoint]}
        assert covered <= methods, rule.endpoint


@pytest.fixture
def alliance(live_db: str, tmp_path: Path) -> tuple[Path, Path, dict[str, int]]:
    world = build_world()
    ids = dict(world.ids)
    with session_scope() as s:
        maker = s.get(Organization, ids["maker"])
        maker.member_status, maker.member_level = MemberStatus.ACTIVE, MemberLevel.DIRECTOR
        college = s.get(Organization, ids["gz_college"])
        college.member_status, college.member_level = MemberStatus.ACTIVE, MemberLevel.DIRECTOR
        lapsed = Organization(name="失效会员企业", kind=maker.kind, natural_key=natural_key("失效会员企业", None, None),
                              member_status=MemberStatus.LAPSED)
        s.add(lapsed)
        s.flush()
        users = {MAKER: (Role.ENTERPRISE, maker.id), OTHER: (Role.ENTERPRISE, ids["food"]), LAPSED: (Role.ENTERPRISE, lapsed.id),
                 COLLEGE: (Role.COLLEGE, college.id), STUDENT: (Role.STUDENT, college.id),
                 EXPERT: (Role.EXPERT, college.id), STAFF: (Role.STAFF, None), ADMIN: (Role.ADMIN, None)}
        for name, (role, org) in users.items():
            user = create_user(s, name, "secret-pass", name, role, org)
            ids[f"user_{name}"] = user.id
        s.get(Talent, ids["fit_student"]).user_id = None
        for key, status, visibility in (("private_need", Status.PUBLISHED, Visibility.PRIVATE),
                                        ("pending_need", Status.PENDING, Visibility.PUBLIC),
                                        ("spare_need", Status.PUBLISHED, Visibility.PUBLIC)):
            need = Project(name=key, owner_org_id=maker.id, natural_key=key, project_kind=s.get(Project, ids["vision_need"]).project_kind,
                           description="机器视觉检测需求", status=status, visibility=visibility)
            s.add(need)
            s.flush()
            ids[key] = need.id
        revision = Revision(pool="project", record_id=ids["vision_need"], author_id=ids["user_maker"], form={"名称": "新名称"})
        application = Application(talent_id=ids["fit_student"], internship_id=ids["post"])
        proposal = PracticeProposal(teacher_id=ids["plc_teacher"], enterprise_id=maker.id, message="暑期实践")
        contact = ContactRequest(requester_id=ids["user_other_org"], target_pool="expert", target_id=ids["vision_expert"],
                                 purpose=ContactPurpose.CONSULTING, message="咨询")
        case = MembershipCase(org_id=ids["food"], kind=CaseKind.JOIN, status=CaseStatus.SUBMITTED, materials="材料" * 20)
        agreement = Agreement(kind=AgreementKind.INTERNSHIP, title="暑期实习", enterprise_id=maker.id, partner_id=college.id)
        s.add_all([revision, application, proposal, contact, case, agreement])
        s.flush()
        activity = Activity(agreement_id=agreement.id, unit=ActivityUnit.INTERNSHIP_MONTHS, quantity=2,
                            period_start=dt.date(2027, 7, 1), period_end=dt.date(2027, 8, 31),
                            entered_by_id=ids["user_maker"], entered_by_org_id=maker.id)
        s.add(activity)
        s.flush()
        mine = Talent(name="矩阵学生", natural_key="matrix-student", owner_org_id=college.id, major="工业机器人技术",
                      level=s.get_one(Talent, ids["fit_student"]).level, user_id=ids["user_student"])
        s.add(mine)
        s.flush()
        chosen = AllocationRound(name="矩阵双选", status=RoundStatus.OPEN)
        s.add(chosen)
        s.flush()
        s.add_all([RoundPost(round_id=chosen.id, internship_id=ids["post"], seats=1),
                   RoundStudent(round_id=chosen.id, talent_id=mine.id)])
        fair = FairEvent(name="矩阵双选会", status=FairStatus.OPEN, starts_at=dt.datetime(2027, 4, 10, tzinfo=dt.timezone.utc),
                         place="体育馆", capacity=10)
        s.add(fair)
        s.flush()
        s.add_all([FairPost(event_id=fair.id, internship_id=ids["post"], seats=1),
                   FairExhibitor(event_id=fair.id, org_id=maker.id), FairAttendee(event_id=fair.id, talent_id=mine.id)])
        s.get_one(Expert, ids["ferment_expert"]).user_id = ids["user_expert"]
        batch = ReviewBatch(name="矩阵评审", status=PanelStatus.INVITED, criteria=["创新性"])
        s.add(batch)
        s.flush()
        item = ReviewItem(batch_id=batch.id, pool="project", record_id=ids["vision_need"])
        s.add(item)
        s.flush()
        seat = ReviewSeat(batch_id=batch.id, item_id=item.id, expert_id=ids["ferment_expert"], status=SeatStatus.INVITED)
        s.add(seat)
        s.flush()
        ids.update(revision=revision.id, application=application.id, proposal=proposal.id, contact=contact.id,
                   agreement=agreement.id, activity=activity.id, round=chosen.id, batch=batch.id, seat=seat.id,
                   fair=fair.id)
    rebuild_pool(get_context(), Pool.PROJECT)  # the extra needs are searchable
    return Path(live_db.removeprefix("sqlite:///")), instance_dir(), ids


def _outcome(endpoint: str, status: int, location: str) -> str:
    if status >= 500:
        return "error"
    if status in (401, 403) or (status == 302 and "/login" in location):
        return "deny"
    if status == 404 and endpoint in NOT_FOUND_DENIES:
        return "deny"
    return "allow"


@SQLITE
def test_authorization_matrix(alliance: tuple[Path, Path, dict[str, int]], tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    db_path, instance, ids = alliance
    tokens: dict[str, str] = {}
    wrong: list[str] = []
    checked = 0
    for kind in KINDS:
        copy_db, copy_instance = tmp_path / f"{kind}.db", tmp_path / f"{kind}-instance"
        with sqlite3.connect(db_path) as source, sqlite3.connect(copy_db) as target:
            source.backup(target)  # includes what is still in the write-ahead log
        shutil.copytree(instance, copy_instance)
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy_db}")
        monkeypatch.setenv("CHANJIAO_INSTANCE", str(copy_instance))
        app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
        client = app.test_client()
        headers: dict[str, str] = {}
        if kind != ANON:
            assert client.post("/login", data={"username": kind, "password": "secret-pass"}).status_code == 302, kind
            with session_scope() as s:
                tokens[kind] = create_api_token(s, kind)[1]
        # Destructive cases last, so they cannot hide the outcome of another case.
        cases = sorted(((e, c) for e, cs in RULES.items() for c in cs),
                       key=lambda ec: (ec[0] == "auth.logout",
                                       ec[0] in ("pages.delete_record_page", "api.delete_record_api"), ec[0]))
        for endpoint, case in cases:
            url = case.url(ids)
            if endpoint.startswith("api.") and kind != ANON:
                headers = {"Authorization": f"Bearer {tokens[kind]}"}  # machine clients: a token per user
            else:
                headers = {}
            if case.json:
                response = client.open(url, method=case.method, json=case.body, headers=headers)
            else:
                response = client.open(url, method=case.method, data=case.body, headers=headers)
            outcome = _outcome(endpoint, response.status_code, response.headers.get("Location", ""))
            expected = "allow" if kind in case.allowed else "deny"
            checked += 1
            if outcome != expected:
                wrong.append(f"{kind} {case.method} {url} ({endpoint}): {response.status_code}, expected {expected}")
            response.close()
    assert not wrong, "\n".join(wrong)
    assert checked == len(KINDS) * sum(len(c) for c in RULES.values())
    print(f"authorization matrix: {sum(len(c) for c in RULES.values())} cases × {len(KINDS)} user kinds = {checked} checks")


@SQLITE
def test_a_bearer_token_acts_as_its_user_only(alliance: tuple[Path, Path, dict[str, int]]) -> None:
    _, _, ids = alliance
    with session_scope() as s:
        token = create_api_token(s, OTHER)[1]
        assert s.scalar(select(User.role).where(User.username == OTHER)) is Role.ENTERPRISE
    client = create_app({"TESTING": True}).test_client()
    response = client.patch(f"/api/v1/pools/project/{ids['vision_need']}", json={"name": "x"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
