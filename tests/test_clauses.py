"""The parser turns the policy's PDF, Word and text copies into the same citable clauses."""

from __future__ import annotations

import pytest

from ingest.clauses import build_clauses, section_abbreviation
from ingest.load import LoadError, load_document, normalise_space

from conftest import POLICY_DOCX, POLICY_PDF, POLICY_TXT


@pytest.fixture(scope="module")
def clauses_by_format():
    return {path.suffix: build_clauses(load_document(path)) for path in (POLICY_PDF, POLICY_DOCX, POLICY_TXT)}


def _shape(clauses):
    return [(c.clause_id, c.section, c.ordinal, c.kind, c.parent_id, c.text, c.options) for c in clauses]


def test_pdf_docx_and_txt_yield_the_same_clauses_in_the_same_order(clauses_by_format):
    pdf, docx, txt = (clauses_by_format[s] for s in (".pdf", ".docx", ".txt"))
    assert len(pdf) > 60
    assert _shape(pdf) == _shape(docx)
    assert _shape(pdf) == _shape(txt)


def test_sections_come_out_in_the_policys_order(clauses_by_format):
    sections = []
    for clause in clauses_by_format[".pdf"]:
        if clause.section not in sections:
            sections.append(clause.section)
    assert sections == [
        "",
        "Managing Our Online Presence",
        "Our Zoom Policy",
        "What We Expect from Staff (including Volunteers",
        "What We Expect of Young People and Adults",
        "Using Mobile Phones",
        "Use of Other Digital Devices and Programmes",
    ]


def test_training_clause_split_by_a_page_break_in_the_txt_comes_out_whole(clauses_by_format):
    for clauses in clauses_by_format.values():
        texts = [c.text for c in clauses]
        assert "provide training for the person responsible for managing our organisation's online presence" in texts
        assert "presence" not in texts


def test_we_will_either_is_one_unit_with_three_addressable_options(clauses_by_format):
    for clauses in clauses_by_format.values():
        by_id = {c.clause_id: c for c in clauses}
        parent = next(c for c in clauses if c.text.endswith("we will either:"))
        assert len(parent.options) == 3
        assert parent.full_text.splitlines()[1] == "end the conversation and cease reply"
        assert by_id[f"{parent.clause_id}.c"].text == (
            "if we are concerned for the child's welfare we will refer to the Designated Safeguarding Lead (Sarah Rands)"
        )
        assert by_id[f"{parent.clause_id}.a"].parent_id == parent.clause_id


def test_ids_are_readable_and_stable(clauses_by_format):
    first = [c.clause_id for c in clauses_by_format[".pdf"]]
    again = [c.clause_id for c in build_clauses(load_document(POLICY_PDF))]
    assert first == again
    assert len(set(first)) == len(first)
    zoom = [c for c in clauses_by_format[".pdf"] if c.section == "Our Zoom Policy"]
    assert zoom[0].clause_id == "ZP-1"
    assert section_abbreviation("Using Mobile Phones") == "UMP"
    assert section_abbreviation("") == "OPEN"


def test_clause_text_is_verbatim_with_the_policys_own_typos(clauses_by_format):
    texts = " ".join(c.text for c in clauses_by_format[".pdf"])
    for typo in ("regrading", "up-t-date", "face-t-face", "Tis is simply", "other deice", "an an appropriate"):
        assert typo in texts
    source = normalise_space(POLICY_TXT.read_text(encoding="utf-8").replace("•", " ").replace("\no ", " "))
    for clause in clauses_by_format[".txt"]:
        assert clause.text in source


def test_pdf_clauses_carry_page_label_and_index(clauses_by_format):
    pdf = clauses_by_format[".pdf"]
    zoom_first = next(c for c in pdf if c.clause_id == "ZP-1")
    assert (zoom_first.page, zoom_first.page_index) == ("2", 2)
    assert pdf[-1].page_index == 5
    assert all(c.page is None for c in clauses_by_format[".docx"])


def test_markdown_with_numbered_bullets_and_sub_bullets(tmp_path):
    path = tmp_path / "photos.md"
    path.write_text(
        "# Photography\n\nWe take photos only with consent:\n\n1. ask the parent\n   - in writing\n   - before the session\n"
        "2. store them securely\n\n## Sharing\n\nPhotos are never shared\nwith third parties.\n",
        encoding="utf-8",
    )
    clauses = build_clauses(load_document(path))
    shape = [(c.clause_id, c.text, c.options) for c in clauses]
    # The policy numbers its list, so its items' ids are the policy's own numbers.
    assert shape == [
        ("P-1", "We take photos only with consent:", ()),
        ("1", "ask the parent", ("in writing", "before the session")),
        ("1.a", "in writing", ()),
        ("1.b", "before the session", ()),
        ("2", "store them securely", ()),
        ("S-1", "Photos are never shared with third parties.", ()),
    ]


def test_a_markdown_list_nested_by_two_spaces_quotes_its_items_under_their_lead_in(tmp_path):
    # "- Staff must not:" then "  - ..." is a nested list as Markdown renders it: each item is quoted with the
    # lead-in it depends on, never as a bare instruction.
    path = tmp_path / "conduct.md"
    path.write_text("# Conduct\n\n- Staff must not:\n  - give a child a lift alone\n  - add a child on social media\n"
                    "- A child is upset\n  - offer a quiet space\n", encoding="utf-8")
    items = {c.text: c.context for c in build_clauses(load_document(path))}
    assert items["give a child a lift alone"] == items["add a child on social media"] == "Staff must not:"
    assert items["offer a quiet space"] == "A child is upset"


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("scan.pdf", None, "no text layer"),
        ("broken.pdf", b"this is not a pdf at all", "not a readable PDF"),
        ("empty.txt", b"", "empty"),
        ("notes.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("broken.docx", b"not a zip", "not a readable Word document"),
    ],
)
def test_bad_documents_get_a_one_line_reason_naming_the_file(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is None:
        import pypdf

        writer = pypdf.PdfWriter()
        writer.add_blank_page(width=595, height=842)
        with path.open("wb") as fh:
            writer.write(fh)
    else:
        path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load_document(path)
    message = str(caught.value)
    assert message.startswith(name)
    assert expected in message
    assert "\n" not in message


def test_encrypted_pdf_is_refused_with_a_reason(tmp_path):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(POLICY_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match="password-protected"):
        load_document(path)


def _built(*blocks):
    from pathlib import Path

    from ingest.load import Block, Document

    return build_clauses(Document(Path("guide.pdf"), "guide.pdf", "pdf", tuple(Block(*b) for b in blocks)))


def test_an_faq_answer_is_quoted_under_its_question_and_the_question_with_its_answer():
    # As a PDF's FAQ page reads: "Q." and "A." as markers, and an answer running on into a second paragraph.
    from assistant.answer import Citation

    clauses = {c.text: c for c in _built(
        ("heading", "FAQs", 1),
        ("bullet", "An 18-year old Ranger is taking away Rangers under 18. Do they need a DBS check?", 1, None, None, "Q"),
        ("bullet", "No, as this is a peer group event, recruitment checks aren't required.", 1, None, None, "A"),
        ("bullet", "Can a leader keep using the old permit?", 1, None, None, "Q"),
        ("paragraph", "A Yes. They can use it until their 26th birthday."),
        ("paragraph", "Please note, a group all over 18 needs a Level three course."))}
    answer = clauses["No, as this is a peer group event, recruitment checks aren't required."]
    assert answer.context == "An 18-year old Ranger is taking away Rangers under 18. Do they need a DBS check?"
    question = Citation.of(clauses["Can a leader keep using the old permit?"])
    assert question.text.split("\n") == ["Can a leader keep using the old permit?",
                                         "A Yes. They can use it until their 26th birthday.",
                                         "Please note, a group all over 18 needs a Level three course."]
    assert clauses["Please note, a group all over 18 needs a Level three course."].context == "Can a leader keep using the old permit?"
    # A list item that ends in "?" asks nothing of the items after it.
    clauses = _built(("heading", "Things not to say", 1), ("bullet", "Do not ask leading questions - Why? How? What?", 1),
                     ("bullet", "Do not make false promises.", 1))
    assert clauses[1].context == "" and clauses[0].items == ()
    # A question over a whole section is prose: at most four clauses are quoted under it.
    clauses = _built(("heading", "Abuse", 1), ("paragraph", "What is abuse?"),
                     *[("paragraph", f"Abuse can take form {n}.") for n in range(1, 7)])
    assert [c.context for c in clauses[1:]] == ["What is abuse?"] * 4 + ["", ""]


def test_a_contents_list_set_above_the_body_headings_is_left_out_and_parents_no_section():
    # A contents table whose entries have no page numbers, one a question; "Contents" set larger than the body's headings.
    clauses = _built(("heading", "Contents", 1), ("row", "What: Introduction | Page: 2"),
                     ("row", "What: Guidance for mentors | Who can be a permit mentor?"),
                     ("heading", "Introduction", 2), ("paragraph", "The permit lets young leaders run a residential."),
                     ("heading", "The group", 2), ("paragraph", "They can take a maximum of eight and a minimum of four."))
    assert [(c.section, c.text) for c in clauses] == [
        ("Introduction", "The permit lets young leaders run a residential."),
        ("The group", "They can take a maximum of eight and a minimum of four.")]


def test_a_superscript_ordinal_on_a_line_of_its_own_joins_its_number():
    from ingest.words import join_line

    assert "".join(join_line("until her 26", "th birthday.")) == "until her 26th birthday."
    assert "".join(join_line("aged 16", "the club asks")) == "aged 16 the club asks"


@pytest.mark.parametrize("suffix, bullet", [(".md", "- "), (".txt", "\u2022 ")])
def test_lines_an_item_introduces_are_its_own_and_the_list_goes_on_after_them(tmp_path, suffix, bullet):
    # The deputies' names under "... or a deputy, as follows:" belong to that item, not to the list; the items
    # after them are still quoted under "staff must:", never under a deputy's phone number.
    from assistant.answer import Citation

    path = tmp_path / f"concerns{suffix}"
    path.write_text(f"Concerns\n\nIn the event of a concern, staff must:\n\n{bullet}Record brief notes of what was said\n\n"
                    f"{bullet}Contact the lead, Sam Jones on 01234 567890, or a deputy, as follows:\n\n"
                    f"Ali Khan (North) on 0121 340 2307\n\n{bullet}Keep it confidential\n", encoding="utf-8")
    by_text = {c.text: c for c in build_clauses(load_document(path))}
    assert by_text["Keep it confidential"].context == "In the event of a concern, staff must:"
    contact = Citation.of(by_text["Contact the lead, Sam Jones on 01234 567890, or a deputy, as follows:"])
    assert contact.text.split("\n") == ["In the event of a concern, staff must:",
                                        "Contact the lead, Sam Jones on 01234 567890, or a deputy, as follows:",
                                        "Ali Khan (North) on 0121 340 2307"]
    assert by_text["Ali Khan (North) on 0121 340 2307"].context.endswith("as follows:")


def test_markdown_character_references_break_tags_and_attribute_lists_are_read_as_rendered(tmp_path):
    from evals.metrics import verbatim_in

    path = tmp_path / "faq.md"
    source = (
        "### What's the schedule?\n\n**Sunday:**&nbsp;\n\n"
        "12 p.m. Check-in.&nbsp;<br>3 p.m. First programme&nbsp;<br>11 p.m. Lights out&nbsp;\n\n"
        "* Ask the office at [our site](https://example.org){: target=\"_blank\"} &amp; bring a form.&nbsp;\n"
    )
    path.write_text(source, encoding="utf-8")
    clauses = build_clauses(load_document(path))
    texts = [c.text for c in clauses]
    assert texts == ["12 p.m. Check-in. 3 p.m. First programme 11 p.m. Lights out",
                     "Ask the office at our site & bring a form."]
    assert clauses[0].section == "Sunday:"  # a bold line with a space written as "&nbsp;" is a heading
    assert all(verbatim_in(text, source, markdown=True) for text in texts)
    assert not verbatim_in("Ask the office at our site &amp; bring", source, markdown=True)


def test_a_line_break_inside_a_markdown_table_cell_parts_its_words(tmp_path):
    path = tmp_path / "contacts.md"
    path.write_text("# Contacts\n\n| Role | How to reach |\n|---|---|\n"
                    "| Safeguarding lead | Phone 0123<br>Email lead@example.org |\n", encoding="utf-8")
    [row] = build_clauses(load_document(path))
    assert row.text == "Role: Safeguarding lead | How to reach: Phone 0123 Email lead@example.org"


def test_a_numbered_section_sits_where_its_numbered_sibling_did_not_under_a_heading_set_between(tmp_path):
    path = tmp_path / "complaints.md"
    path.write_text("# Complaints\n\n## 4. Complaints procedure\n\n### 4.4 Responding to complaints\n\n"
                    "Complaints are answered within 10 days.\n\n## Stage 3: Board reviews\n\n"
                    "The board reviews the complaint.\n\n### 4.5 Informal complaints\n\n"
                    "An informal complaint is any comment of dissatisfaction.\n", encoding="utf-8")
    sections = {c.full_text.split()[1]: c.section for c in build_clauses(load_document(path))}
    assert sections["informal"] == "4. Complaints procedure › 4.5 Informal complaints"
    assert sections["board"] == "Stage 3: Board reviews"


def test_a_markdown_sentence_cut_by_a_blank_line_is_one_clause_and_a_lower_case_marker_opens_its_own(tmp_path):
    # Pasted from a PDF, a sentence lost a line to a blank one; "i)" opening a line is a list marker, not
    # the rest of a sentence.
    path = tmp_path / "volunteers.md"
    path.write_text("## Volunteers\n\nEach volunteer makes a declaration of any convictions they may have or any\n\n"
                    "investigations they have been subject to. Adults also complete a vetting form.\n\n"
                    "Next review date: October 2025\n\ni)\tA child is anyone under 18.\n", encoding="utf-8")
    texts = [c.text for c in build_clauses(load_document(path))]
    assert texts[0] == ("Each volunteer makes a declaration of any convictions they may have or any investigations "
                        "they have been subject to. Adults also complete a vetting form.")
    assert texts[1] == "Next review date: October 2025"
