"""Numbered headings and contents lists as a sport's governing body exported them: bold decimal headings
too long for a heading's usual length or wrapped onto a second line, and a contents list whose longer
entries lost their dot leaders or wrapped; and as a cricket club's did, numbers closed by a colon ("7.1.1:") and
an ALL CAPS heading that filled its line and wrapped; as a travel company's did, numbered headings set in the
body's own type from the first."""

from __future__ import annotations

from ingest.clauses import build_clauses
from ingest.load import load_document
from test_pdf_layout import pdf_clauses, pdf_sections


def test_bold_numbered_headings_in_sequence_stay_headings_however_long_or_wrapped(tmp_path):
    lines = [(72, 740, "Photography Policy", 16, True), (72, 710, "8. Requirements and Responsibilities", 12, True),
             (72, 690, "8.1 Guidelines for the use of images", 11, True), (72, 670, "Published photos show the whole sport."),
             (72, 650, "8.2 Procedure for obtaining permission to take photographs at a club event -", 11, True),
             (80, 636, "participants", 11, True), (72, 616, "Every entry form carries this policy."),
             (72, 596, "8.3 Procedure for exemption to take a photograph, film or video at a club event - participants.", 11, True),
             (72, 576, "Members may withdraw their permission in writing."),
             (72, 556, "8.4 Procedure for reporting the taking of, and use of, inappropriate and unauthorised images at", 11, True),
             (80, 542, "club events", 11, True), (72, 522, "Spectators tell the club representative."),
             (72, 502, "8.5 Terms for photographers", 11, True), (72, 482, "Photographers wear a vest.")]
    sections = pdf_sections(tmp_path, lines)
    assert sections["Every entry form carries this policy."].endswith(
        "8.2 Procedure for obtaining permission to take photographs at a club event - participants")
    assert sections["Members may withdraw their permission in writing."].endswith("\u203a 8.3 Procedure for exemption to take "
                                                                                  "a photograph, film or video at a club event - participants.")
    assert sections["Spectators tell the club representative."].endswith("and unauthorised images at club events")
    assert sections["Photographers wear a vest."] == "8. Requirements and Responsibilities \u203a 8.5 Terms for photographers"
    assert "participants" not in sections and "club events" not in sections


def test_contents_entries_that_lost_their_dots_or_wrapped_are_left_out_with_the_rest(tmp_path):
    contents = [(72, 740, "TABLE OF CONTENTS", 12, True), (72, 720, "1. Overview ............................................ 3"),
                (72, 706, "2. Scope ................................................ 3"),
                (72, 692, "3.1 Procedure for obtaining permission to take photographs at a club event - participants 4"),
                (72, 678, "3.2 Procedure for exemption to take a photograph at a club event -"),
                (80, 664, "participants ............................................ 5"),
                (72, 650, "4. Confidentiality ...................................... 6")]
    body = [(72, 740, "1. Overview", 12, True), (72, 720, "The club supports safe photography."),
            (72, 700, "2. Scope", 12, True), (72, 680, "This policy covers every event.")]
    texts = [c.text for c in pdf_clauses(tmp_path, [contents, body])]
    assert texts == ["The club supports safe photography.", "This policy covers every event."]


def test_a_lead_in_ending_the_following_with_a_semicolon_still_introduces_its_list(tmp_path):
    path = tmp_path / "photos.md"
    path.write_text("## Reporting\n\nThe representative will approach the photographer and determine the following;\n\n"
                    "- Name of the photographer\n- Which club they represent\n", encoding="utf-8")
    clauses = {c.text: c for c in build_clauses(load_document(path))}
    assert clauses["Which club they represent"].context.endswith("determine the following;")


def test_a_number_closed_by_a_colon_numbers_its_heading_and_a_wrapped_caps_heading_is_one(tmp_path):
    # A cricket club's policy: "7.1.1:" headings under "7.1", then "7.2" their sibling's sibling; and a long
    # ALL CAPS heading that filled its line, "CARD" on the next.
    lines = [(72, 740, "7. Protection of Children", 11, True), (72, 720, "7.1 Child Protection", 11, True),
             (72, 700, "7.1.1: Identifying Risks of Harm", 11, True), (72, 680, "The club assesses every risk."),
             (72, 650, "7.2 Supervision", 11, True), (72, 630, "Parents must collect their children on time."),
             (72, 600, "2 EMPLOYEES AND VOLUNTEERS WHO WORK WITH CHILDREN MUST HAVE A SUITABILITY", 11, True),
             (72, 586, "CARD", 11, True), (72, 566, "2.1 Exemptions", 11, True),
             (72, 546, "A parent coaching the team of their own child needs no card.")]
    sections = pdf_sections(tmp_path, lines)
    assert sections["The club assesses every risk."].endswith("7.1 Child Protection \u203a 7.1.1: Identifying Risks of Harm")
    assert sections["Parents must collect their children on time."] == "7. Protection of Children \u203a 7.2 Supervision"
    assert sections["A parent coaching the team of their own child needs no card."] == (
        "2 EMPLOYEES AND VOLUNTEERS WHO WORK WITH CHILDREN MUST HAVE A SUITABILITY CARD \u203a 2.1 Exemptions")


def test_numbered_headings_set_plain_from_the_first_are_headings_not_numbered_paragraphs(tmp_path):
    # A travel company's policy: "1. Policy Statement" in the body's own type, apart from what precedes it, over the
    # sentence it heads; read as a numbered paragraph, its title ran into that sentence.
    lines = [(72, 760, "Kind Travel", 22, False), (72, 740, "TRAVEL GIVE GROW", 13, False),
             (72, 715, "Child Protection Policy", 16, False), (72, 680, "1. Policy Statement"),
             (72, 666, "We protect every child from harm."), (72, 630, "2. Expected Standards"),
             (72, 616, "All representatives must:"), (72, 602, "- Avoid being alone with a child")]
    clauses = pdf_clauses(tmp_path, [lines])
    assert [(c.section.split(" \u203a ")[-1], c.context, c.text) for c in clauses] == [
        ("1. Policy Statement", "", "We protect every child from harm."),
        ("2. Expected Standards", "", "All representatives must:"),
        ("2. Expected Standards", "All representatives must:", "Avoid being alone with a child")]
