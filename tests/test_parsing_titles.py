"""Where a styled document (PDF, Word) sets a section's title plain: the reader still finds the section.

Only a short plain line that stands alone over a bold heading is taken for a title; a plain line over plain text
stays text (a form's "Yes No", a signatory's name, "These include-"). A bold "How to ...:" line over prose is a
heading (over a list, the list's lead-in); a list of contents titled "Index:" is left out."""

from __future__ import annotations

from ingest.lines import Line, blocks_from_lines


def _lines(title: str, follower: Line) -> list[Line]:
    return [Line("Do not challenge the person the young person names.", gap_before=True, hard_break=True),
            Line(title, gap_before=True, hard_break=True),
            follower,
            Line("Treat everyone with respect.", gap_before=True, hard_break=True)]


def test_a_plain_title_over_a_bold_heading_opens_a_section_that_holds_it():
    blocks = blocks_from_lines(_lines("Good practice when working with young people",
                                      Line("DO", gap_before=True, bold=1.0, hard_break=True)), styled=True)
    assert [(b.kind, b.level) for b in blocks[1:3]] == [("heading", 2), ("heading", 3)]
    assert blocks[1].text == "Good practice when working with young people"


def test_a_plain_line_over_plain_text_or_a_form_field_is_no_title():
    over_text = blocks_from_lines(_lines("Good practice when working with young people",
                                         Line("Everyone is treated with respect.", gap_before=True, hard_break=True)),
                                  styled=True)
    assert [b.kind for b in over_text].count("heading") == 0
    form = blocks_from_lines(_lines("Signed: ………………… Date: …………", Line("DO", gap_before=True, bold=1.0, hard_break=True)),
                             styled=True)
    assert form[1].kind != "heading"


def test_a_bold_how_to_line_over_prose_is_a_heading_and_over_a_list_a_lead_in(tmp_path):
    # A martial arts club's Word policy: every heading a bold paragraph ending in a colon, one of them "How to
    # respond to a concern:", and its list of contents titled "Index:".
    import docx

    from ingest.clauses import build_clauses
    from ingest.load import load_document

    document = docx.Document()
    for text, bold in [("Index:", True), ("Recording", False), ("How to respond to a concern", False),
                       ("Recording:", True), ("Write down what the child said as soon as possible.", False),
                       ("How to respond to a concern:", True), ("Everyone who works with children must act.", False),
                       ("Report every concern to the DSL the same day.", False)]:
        document.add_paragraph().add_run(text).bold = bold
    path = tmp_path / "policy.docx"
    document.save(str(path))
    clauses = build_clauses(load_document(path))
    assert [(c.section, c.text) for c in clauses] == [
        ("Recording:", "Write down what the child said as soon as possible."),
        ("How to respond to a concern:", "Everyone who works with children must act."),
        ("How to respond to a concern:", "Report every concern to the DSL the same day.")]
    listed = blocks_from_lines([Line("How to respond to a concern:", gap_before=True, bold=1.0, hard_break=True),
                                Line("\u2022 Stay calm", hard_break=True), Line("\u2022 Listen", hard_break=True)],
                               styled=True)
    assert listed[0].kind != "heading"
