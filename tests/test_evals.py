"""The evaluation suite: pure metrics, label drift caught, and the whole suite held to its floors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from evals.metrics import citation_is_exact, hit_at_k, percentile, reciprocal_rank, resolve_gold, router_rates
from evals.data_files import DATA, load_jsonl
from evals.run import check_floors

from conftest import ROOT


def test_rank_metrics():
    assert hit_at_k(["A", "B", "C"], {"C"}, 3) and not hit_at_k(["A", "B", "C"], {"C"}, 2)
    assert reciprocal_rank(["A", "B"], {"B"}) == 0.5 and reciprocal_rank(["A"], {"Z"}) == 0.0
    assert percentile([5, 1, 3, 2, 4], 50) == 3 and percentile([], 95) == 0.0


def test_relabelled_or_resegmented_gold_is_reported_not_silently_moved():
    clauses = {"ZP-6": "We do not allow any recording of our Zoom sessions", "ZP-7": "Any recorded footage provided by staff"}
    assert resolve_gold(["ZP-6"], ["any recording of our Zoom"], clauses) == (["ZP-6"], [])
    good, problems = resolve_gold(["ZP-6"], ["recorded footage"], clauses)
    assert good == [] and "no longer contains" in problems[0]
    good, problems = resolve_gold(["ZP-9"], ["recorded footage"], {"ZP-7": clauses["ZP-7"]})
    assert good == [] and "its text is now in ZP-7" in problems[0]


def test_citation_exactness_ignores_only_whitespace():
    assert citation_is_exact("end the conversation\nand cease reply", "we will either: end the conversation and cease reply")
    assert not citation_is_exact("end the conversation and stop replying", "end the conversation and cease reply")


def test_a_cite_copied_from_markdown_source_matches_the_rendered_clause(tmp_path):
    # Question writers copy from the .md file; the assistant quotes what a reader sees.
    from evals.cross_policy import questions_for
    from evals.metrics import cites_any

    folder = tmp_path / "club"
    folder.mkdir()
    (folder / "policy.md").write_text("Volunteers *do not* promise secrecy.\n", encoding="utf-8")
    (folder / "questions.jsonl").write_text(json.dumps(
        {"question": "can a volunteer keep a secret?", "kind": "answer", "cite_any": ["*do not* promise secrecy"]}) + "\n")
    clause = "Volunteers do not promise secrecy."
    assert not cites_any([clause], ["*do not* promise secrecy"])
    assert cites_any([clause], questions_for(folder)[0]["cite_any"])


def test_a_cite_copied_across_list_items_is_met_by_quoting_one_of_those_items_whole():
    # The question writer copied three items with their markers from the page; the assistant quotes
    # one item, under its lead-in, as a clause of its own.
    from evals.metrics import cites_any

    wanted = ["- Contractors \n- Drivers \n- Security personnel"]
    assert cites_any(["This policy applies to:\nDrivers"], wanted)
    assert cites_any(["- Contractors \n- Drivers \n- Security personnel \n- Visitors"], wanted)  # a chunk, markers and all
    assert not cites_any(["Drivers must hold a full licence."], wanted)  # the word alone is not the item
    assert not cites_any(["This policy applies to:\nVisitors"], wanted)
    # One item copied with its marker glued on, cut short: the words are what must be quoted.
    assert cites_any(["The policy will be reviewed every two years, or earlier if the law changes."],
                     ["iii.The policy will be reviewed every two years, or"])
    # A Word list's items carry no markers in the text the writer copied from.
    assert cites_any(["This policy applies to:\nVolunteers and interns"], ["Staff\nVolunteers and interns"])
    assert not cites_any(["This policy applies to:\nVisitors"], ["Staff\nVolunteers and interns"])


def test_a_table_row_copied_with_its_cells_side_by_side_is_met_by_the_row_quoted_with_its_headers():
    from evals.metrics import cites_any

    row = "Training Type: Online Safety Training | Frequency: Annually | Audience: All staff"
    assert cites_any([row], ["Online Safety Training Annually All staff"])
    assert not cites_any([row], ["Online Safety Training Every 2 years All staff"])
    # Copied from a Markdown table's source, the cells between pipes.
    assert cites_any(["Timeline: 3-6 weeks before camp | Refund Amount: 50% refund"], ["3-6 weeks before camp | 50% refund"])
    assert not cites_any(["Timeline: 6+ weeks before camp | Refund Amount: Full refund"], ["3-6 weeks before camp | 50% refund"])


def test_a_markdown_escape_is_read_as_its_character_by_the_verbatim_check():
    # "18\." and "\[Privacy Policy\]" render as "18." and "[Privacy Policy]", which is what the clause quotes.
    from evals.metrics import verbatim_in

    source = "* **Child:** Anyone under the age of 18\\.\nin line with our \\[Privacy Policy\\] \\- and the GDPR\n"
    assert verbatim_in("Anyone under the age of 18.", source, markdown=True)
    assert verbatim_in("in line with our [Privacy Policy] - and the GDPR", source, markdown=True)
    assert not verbatim_in("Anyone under the age of 16.", source, markdown=True)
    # A backslash ending a line is a hard line break: the reader sees the two lines, never the backslash.
    broken = "Last reviewed: January 2026\\\nReviewed by: the DSL\\\nApproved: 2025\n"
    assert verbatim_in("Last reviewed: January 2026 Reviewed by: the DSL Approved: 2025", broken, markdown=True)
    assert not verbatim_in("January 2026\\ Reviewed", "January 2026 Reviewed", markdown=True)


def test_a_link_written_in_html_is_read_as_its_words_in_the_sentence():
    # "... Policy <a href=...>here</a>." renders "... Policy here.", which is what the clause quotes; a
    # paragraph tag still parts the words on either side of it.
    from evals.metrics import verbatim_in

    source = 'Download a PDF version of the policy <a href="https://example.org/p" target="_blank">here</a>.<p>Next</p>'
    assert verbatim_in("Download a PDF version of the policy here.", source, markdown=True)
    assert not verbatim_in("here.Next", source, markdown=True)


def test_an_address_broken_at_a_hyphen_is_verbatim_with_or_without_the_space_the_reader_kept():
    # The PDF breaks a web address after "55-"; the clause quotes it as "55- free-downloads", which is the
    # document's words, whitespace aside. A word missing or run together still fails.
    from evals.metrics import verbatim_in

    source = "a central list: https://www.example.org/your-scb/55-\nfree-downloads-and-links now"
    assert verbatim_in("list: https://www.example.org/your-scb/55- free-downloads-and-links now", source)
    assert not verbatim_in("list: https://www.example.org/your-scb/55- downloads-and-links now", source)


def test_a_superscript_ordinal_the_pdf_set_on_its_own_line_is_verbatim_joined_to_its_number():
    from evals.metrics import verbatim_in

    source = "using her Senior Section permit until her 26\nth birthday. They can"
    assert verbatim_in("until her 26th birthday.", source)
    assert not verbatim_in("until her 25th birthday.", source)


def test_a_lead_in_ending_in_a_dash_before_its_list_is_verbatim():
    # A Word file's "These include- " above its bullets: the line-end join read "include-" and the next line
    # as one broken word, and the lead-in the assistant quotes as written was counted not verbatim.
    from evals.metrics import verbatim_in

    source = "sanction is the most appropriate means.\nThese include- \nMeaningful and appropriate reparation\n"
    assert verbatim_in("These include-", source)
    assert verbatim_in("Meaningful and appropriate reparation", source)
    assert not verbatim_in("These included-", source)


def test_router_rates_per_slice():
    records = [
        {"label": 1, "slice": "neglect", "routed": True, "core": True},
        {"label": 1, "slice": "neglect", "routed": False, "core": False},
        {"label": 0, "slice": "figurative", "routed": True},
        {"label": 0, "slice": "policy_question", "routed": False},
    ]
    rates = router_rates(records)
    assert rates["recall"]["neglect"] == 0.5 and rates["recall_core"] == 1.0
    assert rates["fpr_hard_negative"] == 1.0 and rates["fpr_policy_question"] == 0.0


def test_data_sets_are_large_enough_and_well_formed():
    questions = load_jsonl(DATA / "questions.jsonl")
    assert sum(q["answerable"] for q in questions) >= 200
    assert sum(not q["answerable"] for q in questions) >= 50
    assert {q["role"] for q in questions} == {"staff", "parent", "volunteer", "participant"}
    router = load_jsonl(DATA / "router.jsonl")
    assert sum(r["label"] == 1 for r in router) >= 300
    assert sum(r["label"] == 0 and r["slice"] != "policy_question" for r in router) >= 300
    assert sum(r["slice"] == "policy_question" for r in router) >= 200
    assert len(load_jsonl(DATA / "conversations.jsonl")) >= 25
    blind = load_jsonl(DATA / "out_of_scope_blind.jsonl")
    assert len(blind) >= 200 and len({q["id"] for q in blind}) == len(blind)
    assert {q["kind"] for q in blind} == {"near-topic", "organisational", "other-policy"}


def test_floors_flag_a_figure_below_them():
    figures = json.loads(json.dumps({name: 1.0 for name in (
        "hit_at_1", "hit_at_3", "mrr", "citation_exactness", "abstain_out_of_scope", "router_recall_core",
        "router_recall", "router_min_slice_recall", "abstain_blind_out_of_scope")}))
    figures.update(abstain_answerable=0.0, router_fpr_policy=0.0, router_fpr_hard_negative=0.0)
    assert check_floors(figures) == []
    figures["router_recall_core"] = 0.99
    assert check_floors(figures) == ["router_recall_core = 0.990, floor >= 1.000"]


@pytest.mark.model
def test_the_whole_suite_meets_its_floors(settings, tmp_path):
    from evals.run import render_markdown, run, write_chart

    # The shipped policy folder as it is, example questions included (the index goes to tmp_path).
    report = run(replace(settings, policy_dir=ROOT / "policy_docs"), with_peers=True)
    (tmp_path / "report.md").write_text(render_markdown(report), encoding="utf-8")
    write_chart(report, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    assert report.label_problems == []
    assert report.failures == [], "\n".join(report.failures)
    ours, *peers = report.systems
    assert all(ours.hit1 > peer.hit1 for peer in peers)


def test_importing_the_blind_router_set_from_a_wrong_folder_leaves_it_untouched(tmp_path):
    # The import rewrites the set whole: a mistyped folder, or one missing an author, once emptied it.
    from evals.router_suite import BlindImportError, import_blind

    out = tmp_path / "router_blind.jsonl"
    out.write_text('{"id": "kept"}\n', encoding="utf-8")
    (tmp_path / "authors").mkdir()
    (tmp_path / "authors" / "teen14.jsonl").write_text('{"id": "teen14-1", "label": 0, "text": "hi"}\n', encoding="utf-8")
    for sources in ([tmp_path / "no-such-folder"], [tmp_path / "authors"], []):
        with pytest.raises(BlindImportError):
            import_blind(*sources, out=out)
    assert out.read_text(encoding="utf-8") == '{"id": "kept"}\n'


def test_a_footer_line_also_written_in_the_page_body_is_left_out_where_the_footer_is():
    # A letter form addressed "To The Directors, / <organisation>" on a page whose footer block starts with
    # the same organisation's name: the body line stays in the plain text the clauses are checked against.
    from evals.cross_policy import page_without_furniture

    lines = ["Page 9 of 10", "Annexure 4", "To The Directors,", "Example Trust Ltd.", "I, ____, resident of",
             "signed:", "dated:", "Example Trust Ltd.", "1 High Street, Town", "Email: info@example.org"]
    dropped = {"Page 9 of 10": 1, "Example Trust Ltd.": 3, "1 High Street, Town": 1, "Email: info@example.org": 1}
    kept = page_without_furniture(lines, dropped)
    assert kept == ["Annexure 4", "To The Directors,", "Example Trust Ltd.", "I, ____, resident of", "signed:", "dated:"]
    assert dropped["Example Trust Ltd."] == 2  # the next pages' footers are still to be left out


def test_a_kramdown_attribute_list_after_a_link_leaves_the_link_against_the_full_stop():
    from evals.metrics import verbatim_in

    source = "procedures can be found at [www.example.org/children](https://www.example.org/children){:target=\"_blank\"}.\n"
    assert verbatim_in("procedures can be found at www.example.org/children.", source, markdown=True)
    assert not verbatim_in("procedures can be found at www.example.org/child.", source, markdown=True)
    assert verbatim_in("Contents Purpose", "Contents\n{:.no_toc}\nPurpose", markdown=True)
