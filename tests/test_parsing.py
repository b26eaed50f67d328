"""Any organisation's documents: page furniture left out, headings and numbering kept, words never run
together or split, a list item never without its lead-in, ids unique across a folder.

The real policies of other organisations in ../shared/policies-dev/ (PDF from Word, DOCX with no
heading styles, Markdown with front matter and template tags) are parsed as they are; small
documents written here pin down each rule on its own.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.cross_policy import DOCUMENT_SUFFIXES, SHARED_SUITE, not_verbatim
from ingest.clauses import build_clauses
from ingest.ids import unique_across_documents
from ingest.folder import collect_clauses
from ingest.words import join_hyphenated
from ingest.load import load_document

DEV_DOCUMENTS = sorted(p for p in SHARED_SUITE.glob("*/*") if p.suffix.lower() in DOCUMENT_SUFFIXES
                       and p.name != "SOURCE.md") if SHARED_SUITE.is_dir() else []
needs_shared = pytest.mark.skipif(not DEV_DOCUMENTS, reason="../shared/policies-dev is not beside the project")


def _clauses(path: Path):
    return build_clauses(load_document(path))


@needs_shared
@pytest.mark.parametrize("path", DEV_DOCUMENTS, ids=lambda p: p.parent.name)
def test_every_quoted_clause_of_every_dev_policy_is_in_its_plain_text(path):
    clauses = _clauses(path)
    assert len(clauses) >= 20
    assert not_verbatim(clauses, [path]) == []


@needs_shared
@pytest.mark.parametrize("path", DEV_DOCUMENTS, ids=lambda p: p.parent.name)
def test_no_clause_is_page_furniture_markup_or_a_contents_entry(path):
    for clause in _clauses(path):
        text = clause.full_text
        assert "{%" not in text and "{{" not in text and "**" not in text and "](" not in text, clause.clause_id
        assert not text.startswith(("---", "title:")), clause.clause_id
        assert "......" not in text, clause.clause_id  # a contents entry's dot leaders
        assert not any(part.strip().isdigit() for part in text.split("\n")), clause.clause_id  # a page number


@needs_shared
def test_running_headers_and_footers_are_left_out_of_a_school_policy():
    path = SHARED_SUITE / "park-community-school-esafety" / "esafety.pdf"
    document = load_document(path)
    assert any("Page 3 of 14" in line for line in document.furniture)
    clauses = build_clauses(document)
    assert not any("Page 3 of 14" in c.text or c.text.startswith("Park Community School E-SAFETY") for c in clauses)
    assert not any("Scope of the Policy ...." in c.text for c in clauses)  # the contents page
    sections = {c.section for c in clauses}
    # Numbered headings, and "(a) Governors" under "2 Roles and Responsibilities", with the policy's numbers.
    assert "2 Roles and Responsibilities \u203a (a) Governors" in sections
    governors = next(c for c in clauses if c.section.endswith("(a) Governors"))
    assert governors.clause_id.startswith("S2(a)-")


@needs_shared
def test_a_header_repeated_on_every_page_mid_sentence_is_left_out_and_the_sentence_joined():
    path = SHARED_SUITE / "thurton-preschool-safeguarding" / "safeguarding-policy.pdf"
    clauses = _clauses(path)
    assert not any("Safeguarding and Welfare Requirement" in c.text for c in clauses)
    volunteers = next(c for c in clauses if c.text == "Volunteers must:")
    assert volunteers.options[0] == "be aged 17 or over;"
    option = next(c for c in clauses if c.text == "be aged 17 or over;")
    assert option.context == "Volunteers must:"
    assert {"Policy statement", "Procedures", "Key commitment 1"} <= {c.section for c in clauses}


@needs_shared
def test_word_headings_by_size_lists_by_numbering_and_a_lead_in_split_around_its_list():
    clauses = _clauses(SHARED_SUITE / "nature-nicki-safeguarding" / "Safeguarding Policy.docx")
    assert "Photographs" in {c.section for c in clauses}
    item = next(c for c in clauses if c.text.startswith("always ask for verbal permission"))
    assert item.kind == "bullet" and item.context == "In view of these risks, we will:"
    lead_in = next(c for c in clauses if c.text == "In view of these risks, we will:")
    assert item.text in lead_in.items
    tail = next(c for c in clauses if c.text.startswith("this must be raised in the first instance"))
    assert tail.context.startswith("Where any person has a concern regarding the conduct of an adult")


@needs_shared
def test_markdown_front_matter_template_tags_and_bold_labels():
    clauses = _clauses(SHARED_SUITE / "city-evangelical-church-safeguarding" / "safeguarding.md")
    assert clauses[0].section == "1. INTRODUCTION" and clauses[0].clause_id == "S1-1"
    assert any(c.text.startswith("PHYSICAL ABUSE: Is the deliberate harm") for c in clauses)
    assert "6. SAFER RECRUITMENT" in {c.section for c in clauses}  # a sibling of section 5, not its child


def test_words_split_by_a_line_end_hyphen_are_joined_and_real_hyphens_kept():
    known = Counter({"online-bullying": 1, "online": 3, "autho": 1, "rised": 1, "cyber": 1, "bully": 1})
    assert join_hyphenated("only autho-", "rised staff", known) == "authorised"
    assert join_hyphenated("incidents of online-", "bullying", known) is None  # hyphenated elsewhere
    assert join_hyphenated("accounts will be password-", "protected", known) is None  # two words: a compound
    assert join_hyphenated("the E-", "Safety Lead", known) is None


def test_text_policy_headings_labels_numbers_and_items_without_a_space(tmp_path):
    path = tmp_path / "policy.txt"
    path.write_text(
        "1. Purpose\n\nThis policy protects children.\n\n"
        "2. Staff conduct\n\nStaff must not:\n\u2022Accept as a friend any person under 18 on social media\n"
        "\u2022 Give a child a lift home alone\n\n"
        "Pupils:\n\nPupils must keep their passwords private. The school will autho-\nrise each account.\n\n"
        "3.1 Photographs\n\nPhotos need written consent.\n",
        encoding="utf-8",
    )
    clauses = _clauses(path)
    by_text = {c.text: c for c in clauses}
    item = by_text["Accept as a friend any person under 18 on social media"]
    assert item.context == "Staff must not:" and item.kind == "bullet"
    assert by_text["Give a child a lift home alone"].context == "Staff must not:"
    assert set(by_text["Staff must not:"].items) == {"Accept as a friend any person under 18 on social media",
                                                      "Give a child a lift home alone"}
    assert by_text["This policy protects children."].section == "1. Purpose"
    assert by_text["Pupils must keep their passwords private. The school will authorise each account."].section.endswith("Pupils:")
    assert by_text["Photos need written consent."].section.endswith("3.1 Photographs")


def test_a_quoted_list_item_carries_its_lead_in(tmp_path):
    from assistant.answer import Citation

    path = tmp_path / "conduct.md"
    path.write_text("# Conduct\n\nCoaches must not:\n\n- accept friend requests from players\n- be alone with a child\n",
                    encoding="utf-8")
    clauses = {c.text: c for c in _clauses(path)}
    item = Citation.of(clauses["accept friend requests from players"])
    assert item.text.split("\n") == ["Coaches must not:", "accept friend requests from players"]
    lead_in = Citation.of(clauses["Coaches must not:"])
    assert lead_in.text.split("\n") == ["Coaches must not:", "accept friend requests from players", "be alone with a child"]
    assert "\u201cCoaches must not:\n  - accept friend requests from players\u201d" in item.quoted()


def test_numbered_paragraphs_keep_the_policys_numbers(tmp_path):
    path = tmp_path / "club.md"
    path.write_text("Our club policy\n\n1. The club will appoint a welfare officer.\n\n2. All coaches hold a DBS check:\n"
                    "   - renewed every three years\n\n3. Concerns go to the welfare officer.\n", encoding="utf-8")
    ids = [c.clause_id for c in _clauses(path)]
    assert {"1", "2", "3"} <= set(ids) and "2.a" in ids


def test_a_markdown_list_numbered_1_on_every_line_cites_the_numbers_it_renders_with(tmp_path):
    # Markdown renders "1." on every line as 1, 2, 3: the numbers a reader finds on the page. A list after a
    # heading or a paragraph starts again from its own first number.
    path = tmp_path / "club.md"
    path.write_text("# Rules\n\n1. The club appoints a welfare officer.\n1. Coaches hold a DBS check.\n"
                    "   * renewed every three years\n1. Concerns go to the welfare officer.\n\n# Trips\n\n"
                    "3. Trips need a consent form.\n3. Two adults go on every trip.\n", encoding="utf-8")
    shape = [(c.clause_id, c.text) for c in _clauses(path)]
    assert shape == [("R(1)", "The club appoints a welfare officer."), ("R(2)", "Coaches hold a DBS check."),
                     ("R(2).a", "renewed every three years"), ("R(3)", "Concerns go to the welfare officer."),
                     ("T(3)", "Trips need a consent form."), ("T(4)", "Two adults go on every trip.")]


def test_a_paragraph_that_lost_its_full_stop_is_no_lead_in_for_the_sentences_after_it(tmp_path):
    # "... at all levels" with no full stop, then numbered items that are whole sentences: the items do not
    # complete it, so none is quoted under it. A sentence that stops on "about" or "not" still introduces.
    path = tmp_path / "club.md"
    path.write_text("We aim to help all players to achieve their full potential and to enjoy the game at all levels\n\n"
                    "1. The club appoints a welfare officer.\n2. Coaches hold a DBS check.\n\n"
                    "After a complaint the club will make sure that the parents of the child are informed about\n\n"
                    "- The complaint.\n- The steps the club will take.\n", encoding="utf-8")
    context = {c.text: c.context for c in _clauses(path)}
    assert context["The club appoints a welfare officer."] == ""
    assert context["The complaint."].endswith("are informed about")


def test_lines_numbered_under_a_short_numbered_line_are_never_quoted_without_it(tmp_path):
    # Five levels of numbering, and a prohibition whose lead-in ends with a full stop, not a colon:
    # "Sexual activity ..." quoted bare would read as an instruction.
    path = tmp_path / "minors.txt"
    path.write_text("Policy for the protection of minors\n\n3. PREVENTION\n\n3.1. Active Protection\n\n"
                    "3.1.1. Basic Rules.\n3.1.1.1. Two-Adult Rule. At least two screened adults are present.\n"
                    "3.1.1.2. Prohibited Activities for Workers.\n3.1.1.2.1. Sexual activity or contact of any sort with a child.\n"
                    "3.1.1.2.2. Corporal punishment of a child.\n", encoding="utf-8")
    by_id = {c.clause_id: c for c in _clauses(path)}
    assert by_id["3.1.1.2.1"].context == by_id["3.1.1.2.2"].context == "Prohibited Activities for Workers."
    assert by_id["3.1.1.2"].items == ("Sexual activity or contact of any sort with a child.", "Corporal punishment of a child.")
    assert by_id["3.1.1.1"].context == "Basic Rules."


def test_sub_items_numbered_under_an_item_cite_the_policys_number_and_carry_that_item():
    # As a PDF gives them: a numbered paragraph, then sub-items, one of which heads sub-sub-items.
    from ingest.load import Block, Document

    blocks = (Block("heading", "3.2. Active Protection", level=2, number="3.2"),
              Block("paragraph", "Basic Rules.", number="3.2.1"),
              Block("bullet", "Two-Adult Rule. At least two adults are present.", level=2, number="3.2.1.1"),
              Block("bullet", "Prohibited Activities for Workers.", level=2, number="3.2.1.2"),
              Block("bullet", "Sexual activity or contact of any sort with a child.", level=2, number="3.2.1.2.1"))
    by_id = {c.clause_id: c for c in build_clauses(Document(Path("p.pdf"), "p.pdf", "pdf", blocks))}
    assert by_id["3.2.1.1"].context == "Basic Rules."
    assert by_id["3.2.1.2.1"].context == "Prohibited Activities for Workers."


def test_markdown_lines_a_lead_in_lists_without_markers_are_its_items(tmp_path):
    # A Word list that lost its markers on the way to Markdown, after a backslash line break; a numbered
    # paragraph after the list is a paragraph again, and the backslash is syntax, never quoted.
    path = tmp_path / "signs.md"
    path.write_text("## Signs\n\n* Staff know the signs of abuse, including:\\\n  Physical signs  \n  Behavioural concerns  \n"
                    "  Abandonment\n\n## Contacts\n\n1.1 The club is run by:  \nThe Committee  \n"
                    "1.2 The club is based in Leeds.  \n", encoding="utf-8")
    clauses = _clauses(path)
    items = [c for c in clauses if c.context == "Staff know the signs of abuse, including:"]
    assert [c.text for c in items] == ["Physical signs", "Behavioural concerns", "Abandonment"]
    assert not any("\\" in c.full_text for c in clauses)
    assert next(c for c in clauses if c.text.startswith("1.2")).context == ""


def test_ids_are_unique_across_the_documents_of_a_folder(tmp_path):
    for name in ("photos.md", "phones.md"):
        (tmp_path / name).write_text(f"# Purpose\n\nThis is the {name} policy.\n\n# Rules\n\nRule one of {name}.\n",
                                     encoding="utf-8")
    clauses, _, _ = collect_clauses(tmp_path)
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids)) == 4
    assert {"P/P-1", "P2/P-1"} <= set(ids)  # each document's code, then the id as the policy gives it
    # Alone in its folder, a document keeps its ids as they are.
    alone = _clauses(tmp_path / "photos.md")
    assert [c.clause_id for c in unique_across_documents(alone)] == [c.clause_id for c in alone] == ["P-1", "R-1"]


def test_an_all_caps_heading_is_found_where_the_document_shows_no_paragraph_gaps():
    # Word's "Print to PDF" leaves no spacing the reader can see: every line follows the last.
    from ingest.lines import Line, blocks_from_lines

    lines = [Line(t) for t in ("Staff keep the register for every session and check it",
                               "at the end of the day.",
                               "TRAINING REQUIREMENTS",
                               "All staff complete safeguarding training every two years.",
                               "RECORDS ARE KEPT FOR SIX YEARS AND THEN",
                               "destroyed securely.")]
    blocks = blocks_from_lines(lines)
    assert [b.kind for b in blocks] == ["paragraph", "heading", "paragraph"]
    assert blocks[1].text == "TRAINING REQUIREMENTS"
    # Capitals that run on into a lower-case line are a sentence, not a heading.
    assert blocks[2].text.endswith("RECORDS ARE KEPT FOR SIX YEARS AND THEN destroyed securely.")


@pytest.mark.parametrize("styled", [True, False])
def test_a_bold_bullet_or_a_bold_address_or_phone_line_is_content_not_a_heading(styled):
    # Word documents that bold a contact line or a bulleted contact, or set a number alone on its line:
    # still content under their heading, so a card quotes the number instead of using it as a title.
    from ingest.lines import Line, blocks_from_lines

    lines = [Line("Contact Information", gap_before=True, bold=1.0, hard_break=True),
             Line("Local Safeguarding Board: Northshire", bold=1.0, marker=("glyph", "\u2022"), hard_break=True),
             Line("Children's Social Care 01234 567890", marker=("glyph", "\u2022"), hard_break=True),
             Line("Parish Safeguarding Officer safeguarding@example.org.uk", gap_before=True, bold=1.0, hard_break=True),
             Line("Out of hours duty team 01632 960123", gap_before=True, bold=1.0, hard_break=True),
             Line("Ask for the duty social worker.", gap_before=True, hard_break=True)]
    blocks = blocks_from_lines(lines, styled=styled)
    assert blocks[0].kind == "heading" and blocks[0].text == "Contact Information"
    assert "heading" not in [b.kind for b in blocks[1:]]


def test_ligatures_are_quoted_and_searched_as_their_letters(tmp_path):
    # Chrome's and some Word PDFs draw "ffi" as one ligature character: "Oﬃcer" is read "Officer".
    from assistant.retrieve import tokenize

    path = tmp_path / "policy.txt"
    path.write_text("Welfare\n\nContact the Welfare O\ufb03cer ﬁrst if you have concerns about a child.\n", encoding="utf-8")
    clause = _clauses(path)[0]
    assert clause.full_text == "Contact the Welfare Officer first if you have concerns about a child."
    assert {"officer", "first"} <= set(tokenize(clause.full_text))
    assert not_verbatim([clause], [path]) == []  # the document's ligatures read as the same letters


def test_a_ligature_the_pdf_maps_to_no_letter_is_read_as_the_letters_that_make_a_word(tmp_path):
    # Calibri's "tt" in a Word export reaches the text as U+0000: "h\x00ps://" was quoted "hps://", a
    # broken link, and the clause was no longer the document's text.
    path = tmp_path / "policy.txt"
    path.write_text("Contacts\n\nSee h\x00ps://www.example.gov.uk and a\x00end the se\x00ing on time.\n", encoding="utf-8")
    clause = _clauses(path)[0]
    assert clause.full_text == "See https://www.example.gov.uk and attend the setting on time."
    assert not_verbatim([clause], [path]) == []


def test_a_bold_numbered_heading_right_after_a_list_starts_its_own_section():
    # Word exports with no spacing the reader sees: "7.2 ..." follows the last item of 7.1 directly.
    from ingest.lines import Line, blocks_from_lines

    lines = [Line("7.1 Board of Trustees", gap_before=True, bold=1.0),
             Line("The Board is responsible for:"),
             Line("\u2022 Approving this policy", indent=18.0),
             Line("\u2022 Reviewing the policy annually", indent=18.0),
             Line("7.2 Designated Safeguarding Officer", bold=1.0),
             Line("The officer is the first contact for concerns."),
             Line("7.3 Volunteers are required to:", gap_before=True, bold=1.0),
             Line("\u2022 Complete training before sessions", indent=18.0)]
    blocks = blocks_from_lines(lines, styled=True)
    assert [(b.kind, b.number) for b in blocks if b.kind == "heading"] == [("heading", "7.1"), ("heading", "7.2")]
    assert blocks[3].text == "Reviewing the policy annually"  # the item ends where the heading begins
    # A bold numbered lead-in ("... are required to:") stays the lead-in of its list, not a heading.
    assert any(b.kind != "heading" and b.text.startswith("7.3 Volunteers are required to:") for b in blocks)


def test_a_word_bullet_with_a_bullet_typed_in_its_text_quotes_the_words_only(tmp_path):
    # A list pasted from a PDF into Word keeps Symbol's bullet (U+F0B7) in each item's text, and Word
    # bullets the paragraph too: the card quoted "\uf0b7 Blogs", a box where a reader saw a bullet.
    import docx

    document = docx.Document()
    document.add_paragraph("This policy includes the following technologies:")
    for item in ("\uf0b7 Social networking sites", "\uf0b7 Blogs"):
        document.add_paragraph(item, style="List Bullet")
    path = tmp_path / "policy.docx"
    document.save(str(path))
    clauses = _clauses(path)
    items = [c for c in clauses if c.lead_in_id]
    assert [c.text for c in items] == ["Social networking sites", "Blogs"]
    assert items[0].context == "This policy includes the following technologies:"


def test_wingdings_bullets_read_as_latin_letters_open_items(tmp_path):
    # A PDF drawing its bullets in Wingdings with no map to Unicode gives pypdf an arrow as "Ø" and a tick
    # as "ü": the items ran on as one paragraph under their lead-in, "... will: Ø identify the post Ø ...".
    path = tmp_path / "policy.txt"
    path.write_text("Appointing workers\n\nUnder § 12 of the Act a check is required.\n\n"
                    "To appoint a new worker the council will:\nØ identify the post to be filled\n"
                    "Ø check the references of the applicant\nü confirm the appointment after six months\n", encoding="utf-8")
    clauses = _clauses(path)
    items = [c.text for c in clauses if c.context == "To appoint a new worker the council will:"]
    assert items == ["identify the post to be filled", "check the references of the applicant",
                     "confirm the appointment after six months"]
    assert any(c.text == "Under § 12 of the Act a check is required." for c in clauses)


def test_a_sign_off_table_of_labels_and_values_is_quoted_as_its_rows(tmp_path):
    # "This policy was adopted by: <club> | Date: 15/08/2023" over "To be reviewed: ... | Signed: ..." has
    # no header row: read as headers, its first row was glued before each value of the second, and the
    # card quoted "... Club: To be reviewed: 01/09/2024", which the document nowhere says.
    import docx

    document = docx.Document()
    document.add_paragraph("Review")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip((c for row in table.rows for c in row.cells),
                          ("This policy was adopted by: Riverside Club", "Date: 15/08/2023",
                           "To be reviewed: 01/09/2024", "Signed: Chairperson")):
        cell.text = text
    path = tmp_path / "policy.docx"
    document.save(str(path))
    texts = [c.full_text for c in _clauses(path)]
    assert "This policy was adopted by: Riverside Club | Date: 15/08/2023" in texts
    assert "To be reviewed: 01/09/2024 | Signed: Chairperson" in texts


def test_the_next_numbered_heading_set_plain_is_still_a_heading():
    # A Word PDF styles "8. TRAINING" bold and leaves "9. Risk Assessment" plain: read as an item of 8's
    # list, section 9 was quoted under "Mandatory safeguarding training shall be provided:".
    from ingest.lines import Line, blocks_from_lines

    lines = [Line("8. TRAINING", gap_before=True, bold=1.0, size=1.17),
             Line("Mandatory safeguarding training shall be provided:", gap_before=True),
             Line("- During induction", indent=18.0),
             Line("- Annually", indent=18.0),
             Line("9. Risk Assessment", gap_before=True),
             Line("Every programme shall include a risk assessment addressing:"),
             Line("- Transport", indent=18.0),
             Line("8. Cars", gap_before=True),  # a numbered list under section 9 whose items run 8, 9, 10:
             Line("9. Buses", gap_before=True),
             Line("10. Coaches", gap_before=True),  # the list's next item, not section 10
             Line("12. Review dates", gap_before=True)]  # not the next number: no heading
    blocks = blocks_from_lines(lines, styled=True)
    assert [(b.kind, b.number) for b in blocks if b.kind == "heading"] == [("heading", "8"), ("heading", "9")]
    assert blocks[5].text == "Every programme shall include a risk assessment addressing:"


def test_a_sub_heading_left_plain_in_a_word_document_heads_its_text(tmp_path):
    # A Word document styles "Definitions of Abuse" as a heading and types "Neglect" plain above "Neglect
    # may occur ...": as a clause of its own, the one word "Neglect" was the answer to "what does neglect
    # mean?". A short line that starts a sentence the next line finishes stays text.
    import docx

    document = docx.Document()
    document.add_heading("Definitions of Abuse", level=1)
    document.add_paragraph("Physical abuse is the non-accidental infliction of physical injury to a child.")
    document.add_paragraph("Neglect")
    document.add_paragraph("Neglect may occur because the parent lacks the ability to provide for the child's needs.")
    document.add_paragraph("Our club appoints")
    document.add_paragraph("Two Welfare Officers who are trained every year by the national body.")
    path = tmp_path / "policy.docx"
    document.save(str(path))
    clauses = _clauses(path)
    neglect = next(c for c in clauses if c.text.startswith("Neglect may occur"))
    assert neglect.section.endswith("Neglect")
    assert "Neglect" not in [c.text for c in clauses]
    assert "Our club appoints" in [c.text for c in clauses]
