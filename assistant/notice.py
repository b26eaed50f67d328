"""The safeguarding notice: what the assistant shows instead of an answer when a message is a disclosure.

``build_notice(contacts, audience, role)`` turns the configured contacts into a ``Notice``: it leads
with the 999 line, then how to reach the Designated Safeguarding Lead (DSL) now, then what to do
next for the person reading it (someone who received a disclosure, a worried parent, an adult
talking about themselves, or, in plain words, a child or young person), who to go to when the
concern is about a member of staff or the DSL, public helplines, and an honest line about what the
assistant does with the message. ``Notice.to_dict()`` is the structured object of the ``ask`` JSON
contract; ``Notice.to_text()`` is the CLI's plain text.

With no contacts configured it names no one: it says "your Designated Safeguarding Lead" and points
to the organisation's office (``dsl_reference``, ``dsl_with_role``, ``office``; the answers' who-to-ask
line uses the same words). ``missing_contact_warning`` and ``setup_hint`` tell the administrator how
to set the contacts.

What it deliberately does not do: it does not decide whether a message is a disclosure (that is
``assistant.route``), it never sees or quotes the message, it stores and sends nothing, and it does
not read the environment (contacts are passed in). It never promises confidentiality, and it uses
neutral words ("this may be a safeguarding concern"), never a label for what happened.

Public numbers are UK defaults taken from shared/reference/safeguarding-notice.md; check them
against the live sources before a release and override them with ``PublicNumbers`` if needed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from assistant.settings import ROLES, Contacts

AUDIENCES = ("adult", "child")

# Documented defaults (shared/reference/safeguarding-notice.md, "Public numbers (UK)").
EMERGENCY = "999"
POLICE_NON_EMERGENCY = "101"
NSPCC_HELPLINE = "0808 800 5000"
NSPCC_EMAIL = "help@nspcc.org.uk"
CHILDLINE = "0800 1111"
SAMARITANS = "116 123"
SHOUT_TEXT = "85258"
PROFESSIONALS_ONLINE_SAFETY_HELPLINE = "0344 381 4772"


@dataclass(frozen=True)
class PublicNumbers:
    """National numbers the notice shows; override any of them for another country or a change."""

    emergency: str = EMERGENCY
    police_non_emergency: str = POLICE_NON_EMERGENCY
    nspcc_helpline: str = NSPCC_HELPLINE
    nspcc_email: str = NSPCC_EMAIL
    childline: str = CHILDLINE
    samaritans: str = SAMARITANS
    shout_text: str = SHOUT_TEXT
    professionals_helpline: str = PROFESSIONALS_ONLINE_SAFETY_HELPLINE


@dataclass(frozen=True)
class ContactLine:
    """One person or service to contact; empty phone or email are left out when rendered."""

    role: str
    name: str
    phone: str = ""
    email: str = ""

    def to_text(self) -> str:
        parts = [f"{self.name} ({self.role})" if self.name else self.role]
        if self.phone:
            parts.append(f"phone {self.phone}")
        if self.email:
            parts.append(f"email {self.email}")
        return ", ".join(parts)


@dataclass(frozen=True)
class Helpline:
    name: str
    contact: str
    for_whom: str

    def to_text(self) -> str:
        return f"{self.name}: {self.contact} ({self.for_whom})"


@dataclass(frozen=True)
class Notice:
    """What the user sees in place of an answer. Every field is plain text or a tuple of plain parts."""

    title: str
    lead: str  # the 999 line, always first
    contact_heading: str
    contacts: tuple[ContactLine, ...]
    contact_note: str  # what to do when the people above cannot be reached (or have no number set)
    steps_heading: str
    steps: tuple[str, ...]
    about_staff: str  # who to go to when the concern is about staff, a volunteer or the DSL ("" for a child)
    helplines: tuple[Helpline, ...]
    privacy: str  # what the assistant does with the message
    audience: str = "adult"
    role: str | None = None

    def to_dict(self) -> dict:
        """The structured notice of the ``ask`` JSON contract (only str, list, dict and None inside)."""
        data = asdict(self)
        data["contacts"] = [asdict(c) for c in self.contacts]
        data["helplines"] = [asdict(h) for h in self.helplines]
        data["steps"] = list(self.steps)
        return data

    def to_text(self) -> str:
        lines = [self.title, "", self.lead, "", self.contact_heading]
        lines += [f"  - {c.to_text()}" for c in self.contacts]
        if self.contact_note:
            lines.append(f"  {self.contact_note}")
        if self.steps:
            lines += ["", self.steps_heading]
            lines += [f"  - {s}" for s in self.steps]
        if self.about_staff:
            lines += ["", self.about_staff]
        if self.helplines:
            lines += ["", "Other help:"]
            lines += [f"  - {h.to_text()}" for h in self.helplines]
        lines += ["", self.privacy]
        return "\n".join(lines)


# With no name configured the assistant names no one: it says this, and points to the office.
NO_DSL_NAME = "your Designated Safeguarding Lead"
SET_UP_CONTACTS = (
    "Run `policy-assistant init`, or copy policy-assistant.example.toml to policy-assistant.toml and fill in "
    "[contacts]; then restart the app."
)


def office(contacts: Contacts) -> str:
    """Where someone who does not know the DSL can ask: the organisation's office."""
    organisation = contacts.organisation.strip()
    return f"the office at {organisation}" if organisation else "your organisation's office"


def dsl_reference(contacts: Contacts) -> str:
    """The DSL inside a sentence: the configured name, or "your Designated Safeguarding Lead"."""
    return contacts.dsl_name or NO_DSL_NAME


def dsl_with_role(contacts: Contacts) -> str:
    """The DSL named with the role; with no name and no way to reach them, where to ask who it is."""
    if contacts.dsl_name:
        return f"{contacts.dsl_name} (Designated Safeguarding Lead)"
    if contacts.dsl_phone or contacts.dsl_email:
        return NO_DSL_NAME
    return f"{NO_DSL_NAME} ({office(contacts)} can tell you who that is)"


def missing_contact_warning(contacts: Contacts) -> str | None:
    """A one-line warning for the app and CLI to show at start when the notice lacks contact details."""
    missing = contacts.missing()
    if not missing:
        return None
    names = ", ".join(name.replace("_", " ") for name in missing)
    shows = contacts.dsl_name or f'"{NO_DSL_NAME}"'
    return (
        f"Safeguarding notice is missing contact details ({names}); until they are set it shows {shows} "
        f"with no number. {SET_UP_CONTACTS}"
    )


def setup_hint(contacts: Contacts) -> str | None:
    """What the app tells its administrator while the notice can neither name nor reach the DSL."""
    if contacts.dsl_name and (contacts.dsl_phone or contacts.dsl_email):
        return None
    lacking = "name or contact details" if not contacts.dsl_name else "phone number or email address"
    return (
        f"For this app's administrator: the safeguarding notice has no {lacking} for the Designated "
        f"Safeguarding Lead, so it tells people to ask {office(contacts)}. {SET_UP_CONTACTS}"
    )


def build_notice(
    contacts: Contacts,
    audience: str = "adult",
    role: str | None = None,
    numbers: PublicNumbers | None = None,
) -> Notice:
    """The notice for this reader: plain words for a child or young person, the fuller one for adults."""
    numbers = numbers or PublicNumbers()
    role = role if role in ROLES else None
    if audience == "child":
        return _child_notice(contacts, role, numbers)
    return _adult_notice(contacts, role, numbers)


def _dsl_line(contacts: Contacts) -> ContactLine:
    return ContactLine("Designated Safeguarding Lead", contacts.dsl_name, contacts.dsl_phone, contacts.dsl_email)


def _adult_contacts(contacts: Contacts) -> tuple[ContactLine, ...]:
    lines = [_dsl_line(contacts)]
    if contacts.deputy_name or contacts.deputy_phone or contacts.deputy_email:
        lines.append(ContactLine(
            "Deputy Designated Safeguarding Lead", contacts.deputy_name,
            contacts.deputy_phone, contacts.deputy_email,
        ))
    if contacts.childrens_social_care:
        lines.append(ContactLine("local children's social care", "", contacts.childrens_social_care))
    if contacts.adult_social_care:
        lines.append(ContactLine("local adult social care", "", contacts.adult_social_care))
    if contacts.online_name or contacts.online_phone or contacts.online_email:
        lines.append(ContactLine(
            "for concerns about our online sessions, groups or social media", contacts.online_name,
            contacts.online_phone, contacts.online_email,
        ))
    return tuple(lines)


def _contact_note(contacts: Contacts, numbers: PublicNumbers) -> str:
    dsl = dsl_reference(contacts)
    if not contacts.dsl_name:
        how = (f"If you do not know who your Designated Safeguarding Lead is, ask {office(contacts)} or any "
               "member of staff to put you in touch with them today.")
    elif not (contacts.dsl_phone or contacts.dsl_email):
        how = f"Ask any member of staff to put you in touch with {dsl} today."
    else:
        how = f"Contact {dsl} today, not later."
    fallback = "the deputy" if contacts.deputy_name else "a senior member of staff"
    return (
        f"{how} If {dsl} cannot be reached, do not wait: go to {fallback}, or to your local "
        f"children's or adult social care (through your council), or call the police on "
        f"{numbers.police_non_emergency} if it is not an emergency."
    )


def _about_staff(contacts: Contacts) -> str:
    dsl = dsl_reference(contacts)
    instead = []
    if contacts.deputy_name:
        instead.append(f"{contacts.deputy_name} (deputy)")
    if contacts.senior_lead_name:
        phone = f", {contacts.senior_lead_phone}" if contacts.senior_lead_phone else ""
        instead.append(f"{contacts.senior_lead_name} (senior lead{phone})")
    if not instead:
        instead.append("the most senior person in the organisation")
    if contacts.childrens_social_care:
        instead.append(f"the local authority (children's social care, {contacts.childrens_social_care})")
    else:
        instead.append("the local authority's children's or adult social care")
    return (
        f"If the concern is about a member of staff or a volunteer, tell {dsl}. If it is about {dsl}, "
        f"go to {', or '.join(instead)} instead. Do not raise it with the person concerned."
    )


_PRIVACY_ADULT = (
    "This assistant has not stored your message, logged it or sent it to anyone, and it cannot contact "
    "anyone for you. Please contact the people above yourself. What you tell them is shared only with "
    "those who need to know to keep people safe."
)

_STEPS_RECEIVED = (
    "Listen calmly and take it seriously; let them use their own words.",
    "Do not investigate or ask leading questions (such as \"did he do X?\"); do not contact the person "
    "they talked about.",
    "Do not promise to keep it secret: explain that you will share it only with the people who need to know.",
    "Write down what they said in their own words, with the date, the time and where it happened "
    "(for example which session, or the Zoom chat). Keep your notes; record facts, not opinions.",
    "Tell the Designated Safeguarding Lead immediately, today.",
    "Do not view, save, screenshot or forward any images; tell the Designated Safeguarding Lead they exist.",
)

_STEPS_PARENT = (
    "Stay calm and listen; tell your child they did the right thing by telling you.",
    "Do not promise to keep it secret, and do not confront the person involved.",
    "Write down what was said and when, in your child's own words.",
    "Keep messages where they are, but do not view, save, screenshot or forward any images of a child.",
    "Tell the Designated Safeguarding Lead as soon as you can; you can also talk it through with the "
    "NSPCC helpline.",
)

_STEPS_SELF = (
    "You can tell the Designated Safeguarding Lead what is happening; they will listen and help you "
    "decide what happens next.",
    "You do not have to have every detail or proof; say it in your own words.",
    "If you have messages or images, keep them where they are; do not forward them.",
)


def _adult_notice(contacts: Contacts, role: str | None, numbers: PublicNumbers) -> Notice:
    if role == "parent":
        steps_heading, steps = "If you are worried about your child:", _STEPS_PARENT
    elif role == "participant":
        steps_heading, steps = "What you can do:", _STEPS_SELF
    else:
        # Staff, volunteers, and anyone whose role is unknown may be passing on what someone told them.
        steps_heading, steps = "If someone has told you something:", _STEPS_RECEIVED
    helplines = [
        Helpline("Samaritans", numbers.samaritans, "anyone who is struggling, any time, day or night"),
        Helpline("NSPCC helpline", f"{numbers.nspcc_helpline}, {numbers.nspcc_email}",
                 "any adult worried about a child"),
    ]
    if role in ("staff", "volunteer"):
        helplines.append(Helpline("Professionals Online Safety Helpline", numbers.professionals_helpline,
                                  "staff with online-safety questions"))
    helplines.append(Helpline("Shout", f"text {numbers.shout_text}", "anyone in crisis, any time"))
    return Notice(
        title="This may be a safeguarding concern",
        lead=f"If anyone is in immediate danger, call {numbers.emergency} now.",
        contact_heading=f"Contact {'the' if contacts.dsl_name else 'your'} Designated Safeguarding Lead now:",
        contacts=_adult_contacts(contacts),
        contact_note=_contact_note(contacts, numbers),
        steps_heading=steps_heading,
        steps=steps,
        about_staff=_about_staff(contacts),
        helplines=tuple(helplines),
        privacy=_PRIVACY_ADULT,
        audience="adult",
        role=role,
    )


def _child_notice(contacts: Contacts, role: str | None, numbers: PublicNumbers) -> Notice:
    dsl = dsl_reference(contacts)
    note = f"Tell {dsl} or an adult you trust, like a parent, carer or teacher."
    if not contacts.dsl_name:
        note += f" If you do not know who that is, ask {office(contacts)} or an adult you trust there."
    role_words = "our safeguarding lead" if contacts.dsl_name else "Designated Safeguarding Lead"
    return Notice(
        title="Thank you for telling us",
        lead=f"If you are in danger now, call {numbers.emergency}.",
        contact_heading="Who to tell:",
        contacts=(ContactLine(role_words, contacts.dsl_name, contacts.dsl_phone, contacts.dsl_email),),
        contact_note=note,
        steps_heading="Remember:",
        steps=(
            "You did the right thing telling someone.",
            "It is not your fault.",
            "You can tell them in your own words. You do not have to have all the answers.",
            "If someone sent you pictures or asked for pictures, do not send any. Show an adult you trust.",
        ),
        about_staff=(
            f"If it is about someone who works with us, you can still tell {dsl} or another adult you trust."
        ),
        helplines=(
            Helpline("Childline", numbers.childline,
                     "free, any time, and it does not show on the phone bill; you can also chat online"),
        ),
        privacy=(
            f"This chat has not saved your message or sent it to anyone. It cannot tell anyone for you, "
            f"so please tell {dsl} or an adult you trust yourself."
        ),
        audience="child",
        role=role,
    )
