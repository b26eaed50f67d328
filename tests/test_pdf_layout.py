"""Layouts of real exported policies that once broke the parser, rebuilt as tiny documents: a letterhead
reaching past the top band of every page, a list followed by the next lead-in at the page's margin, a
page written a word at a time with blank lines between the words, numbered headings set in two sizes,
a sentence styled as a Word heading, and a Word table that pandoc wrote into Markdown as HTML."""

from __future__ import annotations

from pathlib import Path

import pypdf

from ingest.clauses import build_clauses
from ingest.load import load_document
from test_pdf_words import LINES, word_at_a_time_pdf, write_pdf


def positioned_pdf(pages: list[list[tuple]], path: Path, drawn: list[str] = ()) -> None:
    """A PDF whose pages hold the given lines, each its own text object, in that order: (x, y, text) in
    11-point Helvetica, or (x, y, text, size, bold). ``drawn``: each page's path operators (ruling lines)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for n, lines in enumerate(pages):
        ops = "\n".join([*([drawn[n]] if n < len(drawn) else []), *(
            f"BT /F{2 if bold else 1} {size} Tf {x} {y} Td ({text}) Tj ET"
            for x, y, text, size, bold in (line + (11, False)[len(line) - 3:] for line in lines))]).encode("latin-1")
        page_number, content_number = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_number} 0 R")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 FONT 0 R /F2 BOLD 0 R >> >> >>" % content_number)
        objects.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>")
    font, bold = str(len(objects) - 1).encode(), str(len(objects)).encode()
    objects = [o.replace(b"FONT", font).replace(b"BOLD", bold) for o in objects]
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    write_pdf(objects, path)


def markdown_clauses(tmp_path: Path, source: str):
    """The clauses of a Markdown policy with this source."""
    path = tmp_path / "policy.md"
    path.write_text(source, encoding="utf-8")
    return build_clauses(load_document(path))


LETTERHEAD = [(72, 750, "YOUTH ACTION FOR EQUITY"), (72, 735, "AND DEVELOPMENT"),
              (72, 672, "REG No: 0012/19/ABC"), (72, 657, "Website: www.example.org"), (72, 642, "Tel: 658197275")]


def test_a_letterhead_reaching_past_the_top_band_is_left_out_of_every_page(tmp_path):
    body = [
        [(72, 600, "1. PURPOSE"), (72, 585, "This policy aims to protect every child who takes part in our"),
         (72, 570, "programmes and activities."), (72, 540, "2. SCOPE"), (72, 525, "This policy applies to everyone, including:"),
         (90, 510, "- Board members"), (90, 495, "- Interns")],
        [(90, 600, "- Drivers"), (90, 585, "- Visitors"), (72, 555, "3. TRAINING"),
         (72, 540, "Training is given to every volunteer before their first session.")],
        [(72, 600, "4. REVIEW"), (72, 585, "The board reviews this policy every year.")],
    ]
    path = tmp_path / "policy.pdf"
    positioned_pdf([LETTERHEAD + lines for lines in body], path)
    document = load_document(path)
    assert {"REG No: 0012/19/ABC", "Tel: 658197275"} <= set(document.furniture)
    clauses = build_clauses(document)
    assert not any("REG No" in c.text or "658197275" in c.text or "www.example.org" in c.text for c in clauses)
    assert [c.text for c in clauses if c.context == "This policy applies to everyone, including:"] == [
        "Board members", "Interns", "Drivers", "Visitors"]  # the list runs on across the page, letterhead gone


def test_a_prohibition_lead_in_at_the_margin_after_a_list_is_not_swallowed_by_its_last_item(tmp_path):
    lines = [(72, 700, "CODE OF CONDUCT"), (72, 670, "All personnel must:"), (90, 655, "- Treat children with dignity."),
             (90, 640, "- Follow our safeguarding procedures."), (72, 625, "Personnel shall never:"),
             (90, 610, "- Hit or physically punish children."), (90, 595, "- Be alone with a child out of sight."),
             (90, 580, "- Grooming"), (72, 565, "Everyone shares responsibility for protecting children.")]
    path = tmp_path / "policy.pdf"
    positioned_pdf([lines], path)
    clauses = build_clauses(load_document(path))
    by_text = {c.text: c for c in clauses}
    assert by_text["Follow our safeguarding procedures."].context == "All personnel must:"
    assert by_text["Hit or physically punish children."].context == "Personnel shall never:"
    assert by_text["Be alone with a child out of sight."].context == "Personnel shall never:"
    assert "Grooming" in by_text  # the list's closing sentence is a paragraph of its own
    assert by_text["Everyone shares responsibility for protecting children."].context == ""


def test_a_word_at_a_time_page_with_blank_lines_between_the_words_reads_as_whole_clauses(tmp_path):
    path = tmp_path / "policy.pdf"
    word_at_a_time_pdf(LINES, path, spaces=True)
    plain = pypdf.PdfReader(str(path)).pages[0].extract_text()
    assert "Online\n \nsafety" in plain  # what the parser is given: a blank line between the words
    clauses = build_clauses(load_document(path))
    assert [(c.section, " ".join(c.text.split())) for c in clauses] == [
        ("Online safety", " ".join(" ".join(LINES[1:3]).split())),
        ("Reporting", " ".join(" ".join(LINES[5:7]).split())),
    ]


def pdf_clauses(tmp_path: Path, pages: list[list[tuple]]):
    """The clauses of ``tmp_path / "policy.pdf"``, written with these pages of lines (``positioned_pdf``)."""
    path = tmp_path / "policy.pdf"
    positioned_pdf(pages, path)
    return build_clauses(load_document(path))


def pdf_sections(tmp_path: Path, lines: list[tuple]) -> dict[str, str]:
    """Each clause's text with its section, from a one-page PDF of the given lines."""
    return {c.text: c.section for c in pdf_clauses(tmp_path, [lines])}


def test_numbered_headings_are_siblings_whatever_size_they_are_set_in(tmp_path):
    lines = [(72, 700, "5. DEFINITIONS", 13, True), (72, 680, "A child is anyone under the age of 18."),
             (72, 650, "6. CODE OF CONDUCT", 11, True), (72, 630, "Staff must treat children with dignity."),
             (72, 600, "6.1 Photographs", 11, True), (72, 580, "Photographs need written consent."),
             (72, 550, "7. TRAINING", 13, True), (72, 530, "Training is given every year.")]
    sections = pdf_sections(tmp_path, lines)
    assert sections["Staff must treat children with dignity."] == "6. CODE OF CONDUCT"
    assert sections["Photographs need written consent."] == "6. CODE OF CONDUCT \u203a 6.1 Photographs"
    assert sections["Training is given every year."] == "7. TRAINING"


def test_a_sentence_styled_as_a_word_heading_is_quoted_as_a_clause(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Safeguarding Policy", style="Heading 1")
    document.add_paragraph("Confidentiality", style="Heading 2")
    sentence = ("Information relating to safeguarding concerns will only be shared on a need-to-know basis "
                "and in accordance with GDPR.")
    document.add_paragraph(sentence, style="Heading 1")
    path = tmp_path / "policy.docx"
    document.save(str(path))
    clauses = build_clauses(load_document(path))
    assert [(c.section, c.text) for c in clauses] == [("Confidentiality", sentence)]


def test_an_html_table_in_markdown_becomes_rows_with_their_headers(tmp_path):
    clauses = markdown_clauses(tmp_path, "# Platforms\n\n<table>\n<thead>\n<tr class=\"header\">\n<th><p><strong>Platform</strong></p></th>\n"
                                         "<th><p><strong>Controls</strong></p></th>\n</tr>\n</thead>\n<tbody>\n<tr class=\"odd\">\n"
                                         "<td><blockquote>\n<p><strong>Google Meet</strong></p>\n</blockquote></td>\n"
                                         "<td><p>Waiting rooms, host controls, chat moderation</p></td>\n</tr>\n</tbody>\n</table>\n\n"
                                         "Staff use only these platforms.\n")
    assert [(c.kind, c.text) for c in clauses] == [
        ("row", "Platform: Google Meet | Controls: Waiting rooms, host controls, chat moderation"),
        ("paragraph", "Staff use only these platforms."),
    ]


def test_an_html_table_whose_first_row_is_all_bold_takes_it_as_its_headers(tmp_path):
    # Word's tables saved as HTML often have no <th>: the header row is bold <td> cells.
    clauses = markdown_clauses(tmp_path, "# Ratios\n\n<table><tbody><tr><td><strong>Age of youngest</strong></td>"
                                         "<td><strong>Adults</strong></td></tr><tr><td>6 to 8 years old</td><td>1</td></tr>"
                                         "<tr><td><strong>9 to 14</strong> years old</td><td>1</td></tr></tbody></table>\n")
    assert [c.text for c in clauses] == ["Age of youngest: 6 to 8 years old | Adults: 1",
                                         "Age of youngest: 9 to 14 years old | Adults: 1"]


def test_markdown_headings_written_without_a_space_after_the_hashes_are_headings(tmp_path):
    clauses = markdown_clauses(tmp_path, "#Church Safeguarding Policy 2025\n\n##Principles\n\nWe will respond without delay.\n\n"
                                         "#1 priority is safety, always.\n")
    assert [(c.section, c.text) for c in clauses] == [
        ("Principles", "We will respond without delay."), ("Principles", "#1 priority is safety, always.")]


def test_bullets_drawn_apart_from_their_items_are_their_markers(tmp_path):
    # ReportLab draws each bullet as a text object of its own, a little above its item, in a symbol
    # font that pypdf reads as U+007F; "Players Will NOT:" must keep its items.
    lines = [(67, 700, "Attitude & Character", 10.5, True), (67, 680, "Players Will NOT:")]
    for n, item in enumerate(["Use abusive language at any time", "Argue with game officials"]):
        lines += [(77, 667 - 17 * n, "\x7f", 8, False), (103, 665 - 17 * n, item)]
    lines += [(67, 620, "Coaches are expected to lead by example.")]
    path = tmp_path / "code.pdf"
    positioned_pdf([lines], path)
    clauses = build_clauses(load_document(path))
    assert [(c.context, c.text) for c in clauses] == [
        ("", "Players Will NOT:"), ("Players Will NOT:", "Use abusive language at any time"),
        ("Players Will NOT:", "Argue with game officials"), ("", "Coaches are expected to lead by example.")]


def test_a_bullet_pypdf_gives_as_a_line_of_its_own_is_joined_to_its_item():
    # How pypdf reads ReportLab's bullets: the glyph a line of its own, 2 points above its item, left of it.
    from ingest.pdf import _attach_markers, _Raw

    raw = [_Raw("Players Will NOT:", 67.2, 393.9, 10.0, 0.0, 0), _Raw(" \x7f", 77.2, 381.4, 8.0, 0.0, 0),
           _Raw("Use abusive language at any time", 103.2, 379.4, 10.0, 0.0, 0), _Raw("\x7f", 77.2, 364.4, 8.0, 0.0, 0),
           _Raw("Argue with game officials", 103.2, 362.4, 10.0, 0.0, 0)]
    assert [(r.text, r.x) for r in _attach_markers(raw)] == [
        ("Players Will NOT:", 67.2), ("\x7f Use abusive language at any time", 77.2), ("\x7f Argue with game officials", 77.2)]


def test_a_subtitle_under_the_title_is_no_section_s_parent_and_a_lone_symbol_is_no_clause(tmp_path):
    clauses = markdown_clauses(tmp_path, "# Safeguarding Policy\n\n## Mandatory for all staff, assessors and associates\n\n!\n\n"
                                         "### 1. Background\n\nWe review schools.\n\n### 2. Purpose\n\nStaff must know the law.\n\n***\n\n"
                                         "\u200b\n")
    assert [(c.section, c.text) for c in clauses] == [
        ("1. Background", "We review schools."), ("2. Purpose", "Staff must know the law.")]


def test_a_contents_list_without_page_numbers_is_no_clause(tmp_path):
    clauses = markdown_clauses(tmp_path, "# Safeguarding Policy\n\n## Contents\n\n- Background\n- Purpose of the Policy\n"
                                         "- Recording and Reporting Concerns Page 5\n\n## Purpose of the Policy\n\n"
                                         "Staff must know the law.\n\n## Index\n\nPhotographs are taken only with consent.\n")
    assert [(c.section, c.text) for c in clauses] == [
        ("Purpose of the Policy", "Staff must know the law."), ("Index", "Photographs are taken only with consent.")]


def test_a_contents_list_run_on_into_the_opening_paragraph_drops_only_the_list(tmp_path):
    # The policy's opening paragraph follows the contents list with no heading of its own.
    clauses = markdown_clauses(tmp_path, "## Content\n\n1. Scope of care\n2. Prior to the event\n3. A found child\n\n"
                                         "This policy is for organisations that run events.\n\n## Scope of care\n\n"
                                         "Everyone under 18 is a child.\n")
    assert [(c.section, c.text) for c in clauses] == [
        ("", "This policy is for organisations that run events."), ("Scope of care", "Everyone under 18 is a child.")]


def test_lines_after_a_lead_in_without_list_markers_are_quoted_under_it(tmp_path):
    # An export that lost its bullets: each prohibition is a paragraph of its own after "must not:".
    clauses = markdown_clauses(tmp_path, "# Conduct\n\nCoaches must not:\n\nInvite a player to stay at their home.\n\n"
                                         "Give a player a lift alone.\n\nThe nominated governor is:\n\nName: Mrs Ada Lee\n\n"
                                         "## Reporting\n\nReport every concern on the same day.\n")
    quoted = {c.text: c.context for c in clauses}
    assert quoted["Invite a player to stay at their home."] == "Coaches must not:"
    assert quoted["Give a player a lift alone."] == "Coaches must not:"
    assert quoted["Name: Mrs Ada Lee"] == "The nominated governor is:"
    assert quoted["Report every concern on the same day."] == ""
    lead_in = next(c for c in clauses if c.text == "Coaches must not:")
    assert lead_in.items == ("Invite a player to stay at their home.", "Give a player a lift alone.")


def test_a_list_run_into_one_paragraph_is_a_lead_in_and_its_items(tmp_path):
    # Bullets inside the lines of one paragraph, one left at a line's end, as a Word PDF gave them.
    path = tmp_path / "policy.txt"
    path.write_text("Conduct\n\nAnd that they will not: \u2022 accept gifts from a child; \u2022\n"
                    "give a child a lift alone; and \u2022 share their own phone number with a child.\n", encoding="utf-8")
    clauses = build_clauses(load_document(path))
    assert [(c.context, c.text) for c in clauses if c.context] == [
        ("And that they will not:", "accept gifts from a child;"),
        ("And that they will not:", "give a child a lift alone; and"),
        ("And that they will not:", "share their own phone number with a child."),
    ]


def test_a_lead_in_at_the_top_of_a_page_opens_its_own_list_and_labels_stay_under_their_numbered_heading(tmp_path):
    # A youth charity's Word export: its three title lines set alike, "DO:" items running to a page's
    # foot, "DO NOT:" at the top of the next, and bold labels ("Guidelines:") set like "9.2 Physical Contact".
    title = [(72, 740, "CHILD PROTECTION POLICY", 16, True), (72, 710, "BRIGHT FUTURES YOUTH", 16, True),
             (72, 680, "Stronger Minds For Brighter Days", 16, True)]
    page1 = title + [
        (72, 640, "9. CODE OF CONDUCT", 11, True), (72, 628, "Everyone follows this code."),
        (72, 610, "9.1 Communication", 11, True), (72, 598, "DO:", 11, True),
        (90, 583, "- Communicate through official channels"), (90, 568, "- Respond to questions after workshops")]
    page2 = [
        (72, 700, "DO NOT:", 11, True), (90, 685, "- Exchange personal phone numbers with learners"),
        (90, 670, "- Meet learners outside of official activities"), (72, 655, "9.2 Physical Contact", 11, True),
        (72, 640, "Guidelines:", 11, True), (90, 625, "- Minimise physical contact with learners"),
        (72, 610, "9.3 Transport", 11, True), (72, 595, "Learners travel with two adults.")]
    path = tmp_path / "policy.pdf"
    positioned_pdf([page1, page2], path)
    by_text = {c.text: c for c in build_clauses(load_document(path))}
    assert by_text["Respond to questions after workshops"].context == "DO:"
    assert by_text["Exchange personal phone numbers with learners"].context == "DO NOT:"
    assert by_text["Meet learners outside of official activities"].context == "DO NOT:"
    assert by_text["Minimise physical contact with learners"].section == "9.2 Physical Contact \u203a Guidelines:"
    assert by_text["Learners travel with two adults."].section == "9. CODE OF CONDUCT \u203a 9.3 Transport"
    assert by_text["Communicate through official channels"].section == "9. CODE OF CONDUCT \u203a 9.1 Communication"
    assert by_text["Everyone follows this code."].section == "9. CODE OF CONDUCT"  # the title lines head no section


def test_numbered_lines_after_markdown_hard_breaks_are_clauses_of_their_own(tmp_path):
    # Two spaces at a line's end are a line break in Markdown: a tutoring company's policy numbers its
    # paragraphs that way, and all seven were read as one clause of 1,500 characters.
    clauses = markdown_clauses(tmp_path, "## Events\n\nThere are three kinds of events:  \n  \n5.1 Those open to all ages,  \n"
                                         "5.2 Those for children with a parent,  \n5.3 Those for children alone.  \n"
                                         "5.4 At events open to all ages, children under 16 come with an adult.  \n"
                                         "5.5 Events are defined broadly.\n\nThis policy applies to all staff  \nand volunteers who work with us.\n")
    by_text = {c.text: c for c in clauses}
    assert by_text["5.2 Those for children with a parent,"].context == "There are three kinds of events:"
    assert "5.4 At events open to all ages, children under 16 come with an adult." in by_text
    assert "5.5 Events are defined broadly." in by_text
    assert "This policy applies to all staff and volunteers who work with us." in by_text  # a break in a sentence joins


def test_a_paragraph_that_opens_with_the_policys_own_number_is_cited_by_it(tmp_path):
    clauses = markdown_clauses(tmp_path, "## Events\n\n5.4 At events open to all ages, children come with an adult.\n\n"
                                         "5.5 Events are defined broadly.\n\n1.5 hours is the longest a session lasts.\n")
    assert [c.clause_id for c in clauses] == ["5.4", "5.5", "E-1"]  # "1.5 hours" is a quantity, not a number


def test_typed_roman_items_keep_their_level_and_lead_in_to_word_bullets(tmp_path):
    # A Word document numbers its steps by hand ("i.", "ii.") in bold and lists each step's actions with
    # Word's bullets. "ii." after a bulleted list was read as a sub-item of its last bullet, and the actions
    # after "iii. ...complaint:" as items of their own, quoted without it.
    import docx

    document = docx.Document()
    document.add_paragraph("Procedures", style="Heading 1")
    for text, style in [("i. Reporting", None), ("Staff report every concern in writing to the officer.", None),
                        ("The report should include:", None), ("Evidence of the breach with dates", "List Bullet"),
                        ("Risks to the child", "List Bullet"), ("ii. Ensure the safety of the child:", None),
                        ("The officer makes sure the child is not questioned again.", None),
                        ("iii. The officer will within three days of the complaint:", None),
                        ("Conduct a risk assessment", "List Bullet"), ("Put together all the evidence", "List Bullet"),
                        ("iv. Medical care:", None), ("The officer arranges medical help when it is needed.", None)]:
        paragraph = document.add_paragraph(style=style)
        paragraph.add_run(text).bold = style is None and text[:2] in ("i.", "ii", "iv")
    path = tmp_path / "policy.docx"
    document.save(str(path))
    clauses = {c.text: c for c in build_clauses(load_document(path))}
    assert clauses["Risks to the child"].context == "The report should include:"
    for action in ("Conduct a risk assessment", "Put together all the evidence"):
        assert clauses[action].context == "The officer will within three days of the complaint:"
    assert "Ensure the safety of the child:" in clauses


def test_a_bold_line_with_no_gap_after_a_finished_sentence_starts_a_section(tmp_path):
    # Some exports leave no paragraph spacing the reader can see: each bold label ("Bullying:") sits right
    # under the sentence before it, and was read as a line of that paragraph's section, not a section.
    lines = [(72, 720, "Types of Abuse", 14, True),
             (72, 700, "Abuse can take many forms."), (72, 686, "Bullying:", 11, True),
             (72, 672, "Repeated behaviour meant to hurt someone."), (72, 658, "Neglect:", 11, True),
             (72, 644, "Persistent failure to meet the basic needs of a child."), (72, 630, "Staff Duties", 11, True),
             (72, 616, "Every adult reports concerns on the day.")]
    sections = pdf_sections(tmp_path, lines)
    # (the first heading, the only one that large, is the title)
    assert sections["Repeated behaviour meant to hurt someone."] == "Bullying:"
    assert sections["Persistent failure to meet the basic needs of a child."] == "Neglect:"
    assert sections["Every adult reports concerns on the day."] == "Staff Duties"


def test_a_title_set_large_and_wrapped_onto_two_lines_is_one_heading(tmp_path):
    # Larger type sits further apart: the second line of the title is no new paragraph.
    lines = [(72, 720, "SAFEGUARDING AND PROTECTING CHILDREN", 16, True), (72, 700, "AND YOUNG PEOPLE POLICY", 16, True),
             (72, 670, "1. Introduction", 12, True), (72, 650, "Sport has the power to play a part in the wellbeing of"),
             (72, 636, "every child, and every adult in the club shares the duty to keep"),
             (72, 622, "children safe when they take part."), (72, 594, "2. Contacts", 12, True),
             (72, 574, "Welfare Officer", 16, False), (72, 554, "welfare@example.org", 16, False)]
    sections = pdf_sections(tmp_path, lines)
    first = "Sport has the power to play a part in the wellbeing of every child, and every adult in the club shares the " \
            "duty to keep children safe when they take part."
    assert sections[first].startswith("SAFEGUARDING AND PROTECTING CHILDREN AND YOUNG PEOPLE POLICY")
    # A large line giving an email address is what the heading above it leads to, not more heading.
    assert "welfare@example.org" in sections


def test_a_numbered_paragraph_opening_with_a_run_in_label_is_a_paragraph_not_a_heading(tmp_path):
    page = [(72, 720, "CHILD PROTECTION POLICY", 16, True),
            (72, 690, "Everyone who helps at the festival has a duty to keep children safe."),
            (90, 662, "1. PURPOSE OF THE FESTIVAL: The Town Music and Drama"),
            (108, 648, "Festival gives children and adults a stage for their performances"),
            (108, 634, "every spring."),
            (90, 606, "2. PHOTOGRAPHY: is not allowed but an authorised photographer"),
            (108, 592, "may take pictures for publicity.")]
    clauses = {c.text: c for c in pdf_clauses(tmp_path, [page])}
    first = "PURPOSE OF THE FESTIVAL: The Town Music and Drama Festival gives children and adults a stage for their " \
            "performances every spring."
    assert first in clauses and clauses[first].clause_id == "1"
    assert "PHOTOGRAPHY: is not allowed but an authorised photographer may take pictures for publicity." in clauses


def test_a_footnote_inside_a_sentence_at_a_page_foot_is_moved_after_it(tmp_path):
    from evals.cross_policy import not_verbatim

    first_page = [(72, 720, "2. Principles", 14, True),
                  (72, 690, "The club believes that every child, whatever their age, disability,"),
                  (72, 676, "race, religion or belief, sex or sexual"),
                  (72, 90, "1 Children are those aged under 18 years.", 8)]
    second_page = [(72, 720, "orientation, has the right to be protected from harm at the club."),
                   (72, 692, "Coaches report every concern to the welfare officer on the day"),
                   (72, 678, "they see or hear of it.")]
    clauses = pdf_clauses(tmp_path, [first_page, second_page])
    texts = [c.text for c in clauses]
    assert ("The club believes that every child, whatever their age, disability, race, religion or belief, sex or "
            "sexual orientation, has the right to be protected from harm at the club.") in texts
    assert "1 Children are those aged under 18 years." in texts
    assert not_verbatim(clauses, [tmp_path / "policy.pdf"]) == []  # the check reads the footnote where the parser put it


def test_list_numbers_drawn_after_their_items_are_their_markers_not_clauses(tmp_path):
    # A browser printing an ordered list draws each number after its item's text, left of it on its
    # first line: one-line items came out as "... DBS checks.2" and a longer item's number as a clause
    # "3" of its own, which a question about 14-year-olds then cited.
    clauses = pdf_clauses(tmp_path, [[
        (72, 720, "Safeguarding officer", 14, True),
        (72, 700, "The safeguarding officer is responsible for:"),
        (90, 680, "Verifying DBS checks on behalf of the circuit."), (76, 680, "1", 7.5, False),
        (90, 664, "Retaining records of those who have DBS checks."), (76, 664, "2", 7.5, False),
        (90, 648, "Reminding church safeguarding officers about the need to apply or reapply for checks in line"),
        (90, 634, "with the national policy."),
        (76, 648, "3", 7.5, False),
    ]])
    items = [(c.clause_id, c.text) for c in clauses if c.context]
    assert [text for _, text in items] == [
        "Verifying DBS checks on behalf of the circuit.",
        "Retaining records of those who have DBS checks.",
        "Reminding church safeguarding officers about the need to apply or reapply for checks in line with the national policy.",
    ]
    assert [clause_id for clause_id, _ in items] == ["1", "2", "3"]  # cited by the list's own numbers
    assert not any(c.text.strip() in ("1", "2", "3") for c in clauses)
