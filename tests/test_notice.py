"""The safeguarding notice: what a person who has just disclosed, or received a disclosure, reads."""

from __future__ import annotations

import json

import pytest

from assistant.answer import SIGNPOST, who_to_ask
from assistant.notice import (CHILDLINE, NSPCC_HELPLINE, SAMARITANS, PublicNumbers, build_notice, dsl_reference,
                              missing_contact_warning, setup_hint)
from assistant.settings import Contacts

NAMED = Contacts(dsl_name="Sarah Rands", online_name="Holly Davis")  # the shipped policy's people, configured
FULL = Contacts(
    organisation="Riverside Arts",
    dsl_name="Sarah Rands",
    dsl_phone="01632 960001",
    dsl_email="dsl@example.org",
    deputy_name="Tom Reid",
    deputy_phone="01632 960002",
    childrens_social_care="0300 123 4567",
    adult_social_care="0300 765 4321",
    senior_lead_name="Priya Shah",
)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("audience,role", [("adult", "staff"), ("adult", "parent"), ("adult", None), ("child", "participant")])
def test_the_notice_leads_with_999(audience: str, role: str | None) -> None:
    notice = build_notice(Contacts(), audience, role)
    assert "999" in notice.lead
    first_lines = lines(notice.to_text())[:2]
    assert any("999" in line for line in first_lines)


def test_names_show_without_numbers_and_no_empty_contact_fields() -> None:
    text = build_notice(NAMED, "adult", "staff").to_text()
    assert "Sarah Rands" in text and "Holly Davis" in text
    for line in lines(text):
        stripped = line.strip().rstrip(",:").lower()
        assert not stripped.endswith(("phone", "email")), line
        assert "phone ," not in line.lower() and "phone:" not in line.lower()


def test_configured_contacts_appear_and_replace_the_defaults() -> None:
    text = build_notice(FULL, "adult", "volunteer").to_text()
    for value in ("01632 960001", "dsl@example.org", "Tom Reid", "0300 123 4567"):
        assert value in text
    other = build_notice(Contacts(dsl_name="Alex Morgan"), "adult", "staff").to_text()
    assert "Alex Morgan" in other and "Sarah Rands" not in other


def test_someone_who_received_a_disclosure_gets_the_steps() -> None:
    text = build_notice(Contacts(), "adult", "volunteer").to_text().lower()
    assert "listen" in text
    assert "leading questions" in text
    assert "do not promise to keep it secret" in text
    assert "date" in text and "time" in text and "session" in text
    assert "immediately" in text
    assert "do not view" in text and "forward" in text


def test_concern_about_staff_or_the_dsl_names_who_to_go_to_instead() -> None:
    notice = build_notice(FULL, "adult", "staff")
    assert "If it is about Sarah Rands" in notice.about_staff
    assert "Tom Reid" in notice.about_staff and "Priya Shah" in notice.about_staff
    assert "local authority" in notice.about_staff
    bare = build_notice(Contacts(), "adult", "staff").about_staff
    assert "senior" in bare and "local authority" in bare


def test_a_child_gets_plain_words_and_childline() -> None:
    notice = build_notice(NAMED, "child", "participant")
    text = notice.to_text()
    assert CHILDLINE in text
    assert "You did the right thing telling someone" in text
    assert "tell Sarah Rands or an adult you trust" in text.replace("Tell", "tell")
    assert "danger now" in text and "999" in text
    assert SAMARITANS not in text  # the adult helplines stay in the adult version
    assert max(len(step.split()) for step in notice.steps) <= 20  # short sentences


def test_adults_get_samaritans_and_the_nspcc_helpline() -> None:
    text = build_notice(Contacts(), "adult", "participant").to_text()
    assert SAMARITANS in text and NSPCC_HELPLINE in text
    assert CHILDLINE not in text


def test_a_parent_gets_parent_steps_and_the_nspcc_helpline() -> None:
    notice = build_notice(Contacts(), "adult", "parent")
    assert any("your child" in step for step in notice.steps)
    assert NSPCC_HELPLINE in notice.to_text()


@pytest.mark.parametrize("audience,role", [("adult", "staff"), ("adult", "parent"), ("adult", "participant"), ("child", "participant")])
def test_never_promises_confidentiality_and_says_what_happens_to_the_message(audience: str, role: str) -> None:
    text = build_notice(Contacts(), audience, role).to_text().lower()
    for promise in ("confidential", "stay between us", "won't tell anyone", "will not tell anyone", "nobody will know"):
        assert promise not in text
    assert "not saved" in text or "not stored" in text
    assert "yourself" in text  # the person must contact the DSL themselves


def test_public_numbers_are_overridable() -> None:
    numbers = PublicNumbers(emergency="112", childline="0000 0000")
    child = build_notice(Contacts(), "child", "participant", numbers)
    assert "112" in child.lead and "0000 0000" in child.to_text() and CHILDLINE not in child.to_text()


def test_to_dict_is_json_serialisable_and_structured() -> None:
    data = build_notice(FULL, "adult", "staff").to_dict()
    again = json.loads(json.dumps(data))
    assert again["lead"].startswith("If anyone is in immediate danger")
    assert again["contacts"][0] == {"role": "Designated Safeguarding Lead", "name": "Sarah Rands",
                                    "phone": "01632 960001", "email": "dsl@example.org"}
    assert isinstance(again["steps"], list) and again["steps"]
    assert again["audience"] == "adult"


def test_missing_contact_warning() -> None:
    warning = missing_contact_warning(Contacts())
    assert warning is not None and "dsl phone" in warning and "dsl name" in warning
    # It says how to fix it, rather than naming a policy-assistant.toml that may not exist.
    assert "policy-assistant init" in warning and "copy policy-assistant.example.toml" in warning
    complete = Contacts(dsl_name="N", dsl_phone="1", dsl_email="a@b", deputy_name="D", childrens_social_care="2",
                        adult_social_care="3")
    assert missing_contact_warning(complete) is None


# Anyone the shipped policy names: with nothing configured, another organisation's users must never see them.
BORROWED = ("Sarah", "Rands", "Holly", "Davis")


@pytest.mark.parametrize("audience,role", [("adult", "staff"), ("adult", "parent"), ("adult", "participant"),
                                           ("child", "participant")])
def test_with_no_contacts_configured_nobody_is_named_and_the_office_is_the_way_in(audience, role) -> None:
    text = build_notice(Contacts(), audience, role).to_text()
    assert not any(name in text for name in BORROWED), text
    assert "your Designated Safeguarding Lead" in text
    assert "your organisation's office" in text
    office = build_notice(Contacts(organisation="Riverside Arts"), audience, role).to_text()
    assert "the office at Riverside Arts" in office


def test_with_no_contacts_configured_answers_name_nobody_either() -> None:
    for role in ("staff", "parent", "volunteer", "participant"):
        line = who_to_ask(role, Contacts(), online_presence=True)
        assert not any(name in line for name in BORROWED), line
        assert "your Designated Safeguarding Lead" in line and "office" in line
    signpost = SIGNPOST.format(dsl=dsl_reference(Contacts()), reach="")
    assert "speak to your Designated Safeguarding Lead now" in signpost
    assert "Sarah Rands (Designated Safeguarding Lead)" in who_to_ask("staff", NAMED)


def test_the_administrator_is_told_how_to_set_the_contacts_until_they_are() -> None:
    hint = setup_hint(Contacts())
    assert hint is not None and "policy-assistant init" in hint and "policy-assistant.example.toml" in hint
    assert setup_hint(Contacts(dsl_name="Alex Morgan", dsl_phone="01632 960000")) is None
