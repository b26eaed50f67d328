"""A synthetic safeguarding policy corpus for the ingest benchmark, generated deterministically from a seed.

``write_corpus(folder, pages=1000, documents=20)`` writes Markdown documents that read like an
organisation's policy set: a title, numbered sections and subsections, paragraphs wrapped at 80
characters, lead-in paragraphs ending in ":" followed by bullets, and sub-bullets. A "page" is 45
lines of 80 characters (3,600 characters of text), so 1,000 pages is about 3.6 MB of policy text.

The wording is recombined from phrase lists. Most clauses differ, but short standard lines recur
word for word across documents, as they do in real policy sets: of the 1,000-page corpus's 23,547
clauses, 16,734 embedding texts are distinct, and ingest embeds each distinct text once (the
benchmark reports both counts). It is not meant to be retrieved against: no question set refers to it.

What this module does not do: write PDF or Word files (text parsing is not what dominates ingest;
the shipped PDF covers that path), or run anything but the standard library.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

LINES_PER_PAGE = 45
WIDTH = 80
# A page is 45 lines of 80 characters. Wrapped text fills about 62 of the 80, so measured by text this
# is about 58 printed lines: heavier than the shipped PDF (about 2,200 characters a page), on purpose.
PAGE_CHARS = LINES_PER_PAGE * WIDTH

POLICY_KINDS = (
    "Safeguarding Children Policy", "Online Safety Policy", "Safeguarding Adults at Risk Policy",
    "Code of Conduct for Staff and Volunteers", "Safer Recruitment Policy", "Whistleblowing Policy",
    "Managing Allegations Policy", "Photography and Filming Policy", "Social Media Policy",
    "Anti-Bullying Policy", "Trips and Residentials Policy", "Data Protection and Confidentiality Policy",
    "Remote Delivery Policy", "Lone Working Policy", "Intimate and Personal Care Policy",
    "Transport Policy", "Prevent and Radicalisation Policy", "Missing Participant Procedure",
    "Visitors and Contractors Policy", "Complaints and Concerns Policy",
)
AREAS = ("Youth Programme", "Community Sport", "Music Hub", "Family Learning", "Holiday Clubs", "Adult Services")

TOPICS = (
    "Purpose and Scope", "Roles and Responsibilities", "Recognising Abuse and Neglect", "Responding to a Disclosure",
    "Recording and Reporting Concerns", "Information Sharing", "Safer Recruitment and Vetting", "Induction and Training",
    "Supervision and Ratios", "Online Sessions", "Use of Mobile Phones", "Photography and Video",
    "Social Media Contact", "Email and Messaging", "Transporting Participants", "Overnight Stays",
    "Changing Rooms and Toilets", "Physical Contact", "Intimate Care", "Allegations Against Staff",
    "Whistleblowing", "Bullying and Peer Abuse", "Radicalisation and Extremism", "Missing Participants",
    "Visitors and Contractors", "Data Protection", "Consent and Capacity", "Lone Working",
    "Complaints", "Monitoring and Review",
)
SUBTOPICS = (
    "Before the Session", "During the Session", "After the Session", "Who to Contact", "Keeping Records",
    "Exceptions", "Working with Parents and Carers", "Adults at Risk", "Young Leaders", "Partner Organisations",
    "Out of Hours", "Escalation", "Retention Periods", "Equipment", "Accessibility",
)

ACTORS = (
    "All staff and volunteers", "The Designated Safeguarding Lead", "The Deputy Safeguarding Lead",
    "Session leaders", "Coaches and tutors", "Trustees", "Line managers", "The Online Safety Lead",
    "Anyone working on our behalf", "Contractors on site", "Young leaders", "The HR Manager",
    "The Chief Executive", "Volunteer drivers", "Reception staff",
)
MODALS = ("must", "should", "will", "are expected to", "may only", "must never", "should always", "are required to")
ACTIONS = (
    "record any concern in writing", "report the concern to the Designated Safeguarding Lead",
    "share information on a need-to-know basis", "keep personal contact details private",
    "use the organisation's approved accounts", "seek written consent from a parent or carer",
    "avoid being alone with a participant", "complete safeguarding training every two years",
    "store photographs on the secure shared drive", "delete images from personal devices",
    "inform the session leader", "follow the procedure set out in this section",
    "log the time, date and people present", "check the identity of visitors",
    "wear their identity badge", "keep the meeting link private", "lock the online meeting room",
    "switch off location sharing", "stop the activity and ask for help", "keep a copy of the message",
    "refer the matter to the local authority", "contact the police on 999",
    "explain what will happen next", "reassure the person that they were right to tell",
    "avoid asking leading questions", "write down the words the person used",
    "pass the record on the same day", "agree the plan with the Designated Safeguarding Lead",
)
OBJECTS = (
    "when working with children and young people", "during online sessions",
    "when a participant discloses harm", "whenever there is a concern about an adult at risk",
    "before any trip or residential", "when using social media", "at the end of every session",
    "if a parent or carer raises a concern", "where a participant is under 18",
    "when the concern is about a colleague", "in line with data protection law",
    "while transporting participants", "in changing rooms and toilets",
    "when an allegation is made against a member of staff", "outside normal working hours",
)
REASONS = (
    "This protects participants and staff alike.", "This keeps a clear record of what happened and when.",
    "Delays can put a child or adult at further risk.", "The welfare of the participant is always paramount.",
    "This applies whatever the setting or activity.", "Nobody should promise to keep a secret.",
    "If in doubt, speak to the Designated Safeguarding Lead.", "Records are kept securely and confidentially.",
    "Failure to do so may lead to disciplinary action.", "This is reviewed every year by the trustees.",
    "Concerns about the Designated Safeguarding Lead go to the Chief Executive.",
    "The same standard applies to online and in-person activity.",
)
LEAD_INS = (
    "Staff and volunteers must:", "In particular, we will:", "The record should include:",
    "You must not:", "Before the activity, the session leader will:", "Signs to look out for include:",
    "The Designated Safeguarding Lead will then decide whether to:", "This section applies to:",
    "When meeting online, hosts will:", "Acceptable reasons include:",
)
BULLET_TAILS = (
    "", "", " without delay", " as soon as possible", " on the same day", " where it is safe to do so",
    " unless told otherwise by the Designated Safeguarding Lead", " and keep a note of this",
)
SUB_BULLETS = (
    "the date and time", "who was present", "what was said, in the person's own words", "what you saw",
    "any action taken", "the name of the person informed", "a phone call to the parent or carer",
    "a referral to children's social care", "a referral to adult social care", "advice from the police",
    "no further action, with the reasons recorded", "a meeting with the participant and their carer",
)


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    pages: int
    lines: int  # non-blank text lines
    characters: int


def _sentence(rng: random.Random) -> str:
    text = f"{rng.choice(ACTORS)} {rng.choice(MODALS)} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)}."
    return text


def _paragraph(rng: random.Random) -> str:
    sentences = [_sentence(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.6:
        sentences.append(rng.choice(REASONS))
    return " ".join(sentences)


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    # break_on_hyphens=False: a line must never begin with a fragment the loader reads as a bullet.
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False)


def _bullet_list(rng: random.Random) -> list[str]:
    lines = _wrap(rng.choice(LEAD_INS)) + [""]
    for _ in range(rng.randint(3, 7)):
        action = rng.choice(ACTIONS)
        bullet = f"{action[0].upper()}{action[1:]} {rng.choice(OBJECTS)}{rng.choice(BULLET_TAILS)}."
        if rng.random() < 0.4:
            bullet += " " + rng.choice(REASONS)
        if rng.random() < 0.1:
            bullet = bullet[:-1] + ", including:"
            lines += _wrap(bullet, "- ", "  ")
            for sub in rng.sample(SUB_BULLETS, rng.randint(2, 4)):
                lines += _wrap(f"{sub} {rng.choice(OBJECTS)};", "  - ", "    ")
        else:
            lines += _wrap(bullet, "- ", "  ")
    return lines + [""]


def policy_document(title: str, pages: int, rng: random.Random) -> str:
    """One policy document of about ``pages`` pages (``PAGE_CHARS`` characters each)."""
    target = pages * PAGE_CHARS
    lines: list[str] = []
    size = 0

    def add(new: list[str]) -> None:
        nonlocal size
        lines.extend(new)
        size += sum(len(line) + 1 for line in new)

    add([f"# {title}", "", *_wrap(_paragraph(rng)), ""])
    topics = list(TOPICS)
    rng.shuffle(topics)
    section = 0
    while size < target:
        section += 1
        add([f"## {section}. {topics[(section - 1) % len(topics)]}", ""])
        if rng.random() < 0.7:  # most sections open with a paragraph before their first subsection
            add(_wrap(_paragraph(rng)) + [""])
        for sub in range(1, rng.randint(2, 5) + 1):
            if size >= target:
                break
            add([f"### {section}.{sub} {rng.choice(SUBTOPICS)}", ""])
            for _ in range(rng.randint(2, 5)):
                add(_bullet_list(rng) if rng.random() < 0.35 else _wrap(_paragraph(rng)) + [""])
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path, pages: int = 1000, documents: int = 20, seed: int = 2024) -> CorpusStats:
    """Write ``documents`` Markdown files sharing ``pages`` pages between them into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    per_document = [pages // documents + (1 if i < pages % documents else 0) for i in range(documents)]
    lines = characters = 0
    for index, doc_pages in enumerate(per_document):
        rng = random.Random(f"{seed}-{index}")
        title = f"{AREAS[index % len(AREAS)]} {POLICY_KINDS[index % len(POLICY_KINDS)]}"
        text = policy_document(title, doc_pages, rng)
        (folder / f"{index + 1:02d}-{title.lower().replace(' ', '-')}.md").write_text(text, encoding="utf-8")
        lines += sum(1 for line in text.splitlines() if line)
        characters += len(text)
    return CorpusStats(documents, pages, lines, characters)
