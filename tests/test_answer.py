"""Answers quote clauses verbatim with where they sit; not_covered cites nothing; disclosures never reach retrieval."""

from __future__ import annotations

from assistant.answer import compose, is_covered, select_citations, who_to_ask
from assistant.kinds import missing_answer_kind
from assistant.pipeline import resolve_follow_up
from assistant.retrieve import Hit, Retrieval, expand_question, stem, tokenize
from assistant.settings import Contacts
from ingest.clauses import build_clauses
from ingest.load import load_document, normalise_space

from conftest import POLICY_PDF


def _policy_text() -> str:
    import pypdf

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(POLICY_PDF)).pages)
    return normalise_space(text.replace("\uf0b7", " "))


def test_answer_quotes_the_recording_clause_verbatim_with_its_place(fake_assistant):
    answer = fake_assistant.ask("do you allow any recording of zoom sessions?", role="parent")
    assert answer.route == "answer"
    first = answer.citations[0]
    assert first.clause_id == "ZP-6"
    assert (first.section, first.document, first.page) == ("Our Zoom Policy", "online-safety-policy.pdf", "2")
    assert first.text == "We do not allow any recording of our Zoom sessions, unless by the host and only with permission from all participants"
    assert first.text in answer.answer
    assert "ZP-6" in answer.answer
    source = _policy_text()
    for citation in answer.citations:
        assert normalise_space(citation.text) in source


def test_json_object_follows_the_contract(fake_assistant):
    data = fake_assistant.ask("can I email a child about homework?").to_dict()
    assert set(data) == {"route", "answer", "citations", "notice"}
    assert data["route"] == "answer" and data["notice"] is None
    assert set(data["citations"][0]) == {"clause_id", "document", "section", "page", "text", "context"}
    assert data["citations"][0]["clause_id"] == "ESV-9"


def test_a_disclosure_never_reaches_retrieval(fake_assistant):
    answer = fake_assistant.ask("canary: my uncle hits me when nobody is home", role="participant")
    assert answer.route == "disclosure"
    assert answer.citations == ()
    assert answer.notice is not None
    assert fake_assistant.retriever.queries == []
    assert "canary" not in answer.reason.lower()


def test_after_a_disclosure_later_answers_keep_the_notice_and_never_reuse_its_text(fake_assistant):
    history = [{"role": "user", "content": "canary my dad hits me"}, {"role": "assistant", "content": "(notice)"}]
    answer = fake_assistant.ask("and is zoom recorded?", history=history)
    assert answer.route == "answer"
    assert answer.notice is not None
    assert all("canary" not in q for q in fake_assistant.retriever.queries)


def test_question_the_policy_does_not_cover_cites_nothing_and_names_who_to_ask(fake_assistant):
    answer = fake_assistant.ask("what are the opening hours of the cafe?", role="parent")
    assert answer.route == "not_covered"
    assert answer.citations == ()
    assert "does not cover" in answer.answer and "Sarah Rands" in answer.answer


def test_follow_up_is_read_with_the_question_before_it():
    assert resolve_follow_up("and what about adults?", ["can I post photos of children?"]) == (
        "can I post photos of children? and what about adults?"
    )
    assert resolve_follow_up("can I email a parent?", ["can I post photos?"]) == "can I email a parent?"
    assert resolve_follow_up("and adults?", []) == "and adults?"


def test_very_long_question_is_answered_on_a_prefix_and_says_so(fake_assistant):
    answer = fake_assistant.ask("is zoom recorded? " + "blah " * 30_000)
    assert answer.route in ("answer", "not_covered")
    assert "first 2,000 characters" in answer.answer


def test_signpost_line_is_added_to_a_procedural_question_with_heavy_vocabulary(fake_assistant):
    answer = fake_assistant.ask("what do we do if a child discloses abuse by email?")
    assert "speak to Sarah Rands now" in answer.answer


def test_role_shapes_who_to_ask_and_contact_details_come_from_configuration():
    contacts = Contacts(dsl_name="Sarah Rands", online_name="Holly Davis", dsl_phone="01234 567890",
                        online_email="online@example.org")
    assert "01234 567890" in who_to_ask("staff", contacts)
    assert "Holly Davis" in who_to_ask("parent", contacts, online_presence=True)
    assert "online@example.org" in who_to_ask("parent", contacts, online_presence=True)
    assert "member of staff" in who_to_ask("participant", contacts)
    assert ":" not in who_to_ask("staff", Contacts())  # no empty contact details


def _hit(clause, score, dense=0.6, lexical_raw=8.0):
    return Hit(clause, score, dense, 1.0, lexical_raw)


def _found(hits, question=""):
    return Retrieval(question, tuple(hits))


def _markdown_clauses(tmp_path, text):
    path = tmp_path / "policy.md"
    path.write_text(text, encoding="utf-8")
    return build_clauses(load_document(path))


def test_related_clauses_are_cited_only_when_nearly_as_strong():
    clauses = {c.clause_id: c for c in build_clauses(load_document(POLICY_PDF))}
    hits = [_hit(clauses["ZP-6"], 0.80), _hit(clauses["ZP-7"], 0.78), _hit(clauses["ZP-1"], 0.50)]
    assert [c.clause_id for c in select_citations(hits)] == ["ZP-6", "ZP-7"]
    # A parent already quotes its options: the option is not cited again.
    hits = [_hit(clauses["UMP-4"], 0.80), _hit(clauses["UMP-4.a"], 0.79)]
    assert [c.clause_id for c in select_citations(hits)] == ["UMP-4"]
    assert not is_covered([_hit(clauses["ZP-6"], 0.30, dense=0.15, lexical_raw=1.0)])
    answer = compose(_found([_hit(clauses["UMP-4"], 0.8)]), "staff", Contacts())
    assert "end the conversation and cease reply" in answer.citations[0].text


def test_a_long_paragraph_is_judged_by_its_closest_sentence_a_short_clause_by_its_own_words(tmp_path):
    # A policy written as numbered paragraphs: the paragraph's own vector averages all its points, and a
    # question about one of them (its closest sentence scores 0.40) was told "not covered".
    long_text = " ".join(["Stewards wear badges and any problem raised with them is written up, dated and kept."] * 5)
    long_clause, short_clause = _markdown_clauses(tmp_path, f"# Stewards\n\n{long_text}\n\n# Badges\n\nStewards wear badges.\n")
    assert len(long_clause.full_text.split()) >= 60
    assert is_covered([Hit(long_clause, 0.35, 0.20, 1.0, 1.0, None, 0.40)])
    assert not is_covered([Hit(short_clause, 0.35, 0.20, 1.0, 1.0, None, 0.40)])
    assert not is_covered([Hit(long_clause, 0.35, 0.20, 1.0, 1.0, None, 0.22)])  # no sentence close either


def test_vocabulary_and_misspellings_meet_the_policys_words():
    tokens, extra = expand_question("can i ring a kid or txt them", {"ring": ("telephone",), "kid": ("child",), "txt": ("mobile",)}, frozenset())
    assert {"telephone", "child", "mobile"} <= set(tokens)
    tokens, _ = expand_question("is the pasword shared", {}, frozenset({"password", "share"}))
    assert "password" in tokens
    assert stem("photos") == stem("photo") and stem("recording") == "record"
    assert "the" not in tokenize("the zoom")


def test_a_question_asking_for_an_amount_is_not_answered_by_a_clause_without_one():
    clauses = {c.clause_id: c for c in build_clauses(load_document(POLICY_PDF))}
    recording = [_hit(clauses["ZP-6"], 0.9, dense=0.8, lexical_raw=15.0)]
    assert compose(_found(recording, "how long do you keep zoom recordings?"), "parent", Contacts()).route == "not_covered"
    assert compose(_found(recording, "are zoom sessions recorded?"), "parent", Contacts()).route == "answer"
    accounts = [_hit(clauses["MOP-2"], 0.9, dense=0.8, lexical_raw=15.0)]
    assert compose(_found(accounts, "how many people should have the account password?"), "staff", Contacts()).route == "answer"


def test_an_amount_written_in_words_or_an_event_for_when_is_an_answer():
    # Policies write numbers in words; "when" is answered by an event as often as by a date.
    assert missing_answer_kind("up to what age am i a child?", "anyone who has not yet reached their eighteenth birthday") == ""
    assert missing_answer_kind("how many adults run each session?", "There will always be at least two adults.") == ""
    assert missing_answer_kind("how long are photos kept?", "Photographs are deleted after a year.") == ""
    assert missing_answer_kind("when do new staff get online safety training?", "online safety training at induction;") == ""
    assert missing_answer_kind("how long are photos kept?", "Photographs are stored securely.") == "quantity"
    assert missing_answer_kind("how much does a session cost?", "Sessions are run by trained volunteers.") == "quantity"
    # An age limit asked without "what age": a clause with no age in it does not answer it.
    assert missing_answer_kind("What's the minimum age to help as a young leader?",
                               "Use safer recruitment practices for staff and volunteers.") == "quantity"
    assert missing_answer_kind("is there an age limit for the junior section?", "Juniors must be under 16.") == ""


def test_a_number_of_hours_a_ratio_or_a_phone_number_is_answered_only_by_a_clause_stating_one():
    # Any number was enough: "Regulation 35" answered "within how many hours ...?", a footnote's "2" how long
    # a course lasts, an email address "what's the phone number ...?".
    assert missing_answer_kind("within how many hours must the incident form be done?",
                               "Records are kept under Regulation 35.") == "quantity"
    assert missing_answer_kind("within how many hours must the incident form be done?",
                               "Complete the incident form within 24 hours.") == ""
    assert missing_answer_kind("how many days notice do you need for a trip?", "Give two working days' notice.") == ""
    assert missing_answer_kind("what's the ratio of leaders to children at camp?",
                               "All leaders are recruited safely.") == "ratio"
    assert missing_answer_kind("what's the ratio of leaders to children at camp?", "The ratio is 1:6 at camp.") == ""
    assert missing_answer_kind("what's the ratio of leaders to children at camp?",
                               "There must be one leader for every six children.") == ""
    assert missing_answer_kind("whats the phone number for the welfare team?",
                               "Email the welfare team at welfare@example.org.") == "contact"
    assert missing_answer_kind("whats the phone number for the welfare team?", "Ring the welfare team on 0800 123 4567.") == ""
    assert missing_answer_kind("what's the email address for the welfare team?",
                               "Email the welfare team at welfare@example.org.") == ""
    # Money in a yes/no question is answered by who pays or whether one is charged; "how much" needs an amount.
    assert missing_answer_kind("does the club pay for my first aid course?", "The club pays for first aid training.") == ""
    assert missing_answer_kind("is there a fee for the residential?", "There is no charge for the residential.") == ""
    assert missing_answer_kind("how much is the fee for the residential?", "There is no charge for the residential.") == "quantity"
    assert missing_answer_kind("what does the residential cost?", "Parents are told the cost in advance.") == "quantity"


def test_a_question_asking_for_a_password_number_or_frequency_needs_a_clause_that_states_one():
    clauses = {c.clause_id: c for c in build_clauses(load_document(POLICY_PDF))}
    accounts = [_hit(clauses["MOP-2"], 0.9, dense=0.8, lexical_raw=15.0)]
    refused = compose(_found(accounts, "what's the instagram password?"), "staff", Contacts(dsl_phone="01234 567890"))
    assert refused.route == "not_covered" and refused.reason == "coverage:no_password" and "01234 567890" in refused.answer
    assert compose(_found(accounts, "how often should we change the social media passwords?"), "staff", Contacts()).route == "not_covered"
    # Asking about passwords, not for one, is what the clause answers.
    assert compose(_found(accounts, "what's the rule on sharing social media passwords?"), "staff", Contacts()).route == "answer"
    assert compose(_found(accounts, "are our social media accounts password protected?"), "staff", Contacts()).route == "answer"
    lead = clauses["UMP-4.c"].full_text
    assert missing_answer_kind("whats the phone number for the safeguarding lead", lead) == "contact"
    assert missing_answer_kind("what is holly davis email address", clauses["ESV-4"].full_text) == "contact"
    assert missing_answer_kind("can staff keep my son's phone number?", clauses["UMP-1"].full_text) == ""
    assert missing_answer_kind("how often can staff ring my daughter?", clauses["ESV-8"].full_text) == ""  # "never"
    # A frequency said as an adjective or "a year" states one too ("a briefing ... on an annual basis").
    for stated in ("a briefing on our policies on an annual basis", "supervision twice a term", "a quarterly review"):
        assert missing_answer_kind("how often do we get a briefing?", stated) == ""
    # "... and what's their number?" asks for a way to reach them; "the number of children" does not.
    assert missing_answer_kind("who is the safeguarding lead and what's their number?", lead) == "contact"
    assert missing_answer_kind("what is the number of children per adult?", lead) == ""
    assert missing_answer_kind("is there a phone number for the safeguarding lead, not just an email?", lead) == "contact"
    assert missing_answer_kind("is there a rule about sharing phone numbers?", lead) == ""
    # A name is answered by a person's name, not by the role's duties.
    assert missing_answer_kind("whats the name of the e-safety lead", "The E-Safety Lead will:") == "name"
    assert missing_answer_kind("what is the name of the welfare officer?", "Appointing a Designated Safeguarding Officer") == "name"
    assert missing_answer_kind("whats the name of the welfare officer", "Our club Welfare Officer Anna Johnson is responsible") == ""
    assert missing_answer_kind("what's the name of the DSL?", "The DSL is Mrs Patel.") == ""
    assert missing_answer_kind("what's the rule on using names in photos?", "We never publish a child's full name.") == ""


def test_no_shipped_example_question_is_refused_by_its_own_clause_for_a_password_contact_frequency_or_name():
    # 1,500 questions people ask that their clause does answer: the value checks must not catch them.
    import tomllib

    from conftest import ROOT

    clauses = {c.clause_id: c for c in build_clauses(load_document(POLICY_PDF))}
    examples = tomllib.loads((ROOT / "policy_docs" / "questions" / "online-safety-policy.toml").read_text(encoding="utf-8"))
    refused = [(clause_id, q) for clause_id, entry in examples.items() for q in entry["questions"]
               if missing_answer_kind(q, clauses[clause_id].full_text) in ("password", "contact", "frequency", "name")]
    assert refused == []


def test_a_turn_routed_by_accumulated_signals_is_never_context_later(fake_assistant):
    class AccumulatingRouter:
        """Routes the second of two "worried" messages: neither routes on its own."""

        def route(self, message, history=()):
            from conftest import FakeDecision

            both = "worried" in message and any("worried" in h for h in history)
            return FakeDecision("disclosure" if both else "question", "fake:accumulated" if both else "none")

    fake_assistant.router = AccumulatingRouter()
    history = [{"role": "user", "content": "i am worried"}, {"role": "user", "content": "really worried about canary"}]
    answer = fake_assistant.ask("and zoom?", history=history)
    assert answer.notice is not None
    assert all("canary" not in q for q in fake_assistant.retriever.queries)


def test_asked_who_the_lead_is_the_clause_naming_them_comes_first_when_nearly_as_strong(tmp_path):
    appoint, named = _markdown_clauses(tmp_path, "# Safeguarding Lead\n\nThe club will appoint a safeguarding lead with "
                                       "overall responsibility.\n\nThe current Safeguarding Lead is: Thomas Brown.\n")
    hits = [_hit(appoint, 0.82), _hit(named, 0.60)]
    answer = compose(_found(hits, "who's the safeguarding lead at the club right now?"), "parent", Contacts())
    assert answer.route == "answer" and answer.citations[0].text == "The current Safeguarding Lead is: Thomas Brown."
    # Not when the naming clause is far weaker, nor for a question about what the lead does.
    assert compose(_found([_hit(appoint, 0.82), _hit(named, 0.40)], "who's the safeguarding lead?"), "parent",
                   Contacts()).citations[0].clause_id == appoint.clause_id
    assert compose(_found(hits, "what does the safeguarding lead do?"), "parent", Contacts()).citations[0].clause_id == appoint.clause_id


def test_asking_how_far_to_go_is_not_asking_for_an_amount():
    # "How much should I ask them?" had been refused for want of a number in "Keep questions to a minimum".
    assert missing_answer_kind("if a child starts telling me something, how much should I ask them?",
                               "Keep questions to a minimum.") == ""
    assert missing_answer_kind("how much do we pay for the minibus?", "The minibus is booked by the leader.") == "quantity"
    assert missing_answer_kind("how much can volunteers claim for petrol?", "Volunteers may claim expenses.") == "quantity"


def test_a_name_asked_for_is_not_a_role_under_a_name_header_nor_a_street():
    # A contact table's row, "Name: Lead Safeguarding Officer | Address: ... Stuart Street", had answered "what's the
    # name and email of the club welfare officer?" as though it named someone.
    row = "Name: Lead Safeguarding Officer | Address: National Cycling Centre Stuart Street Manchester | Email: x@example.org"
    assert missing_answer_kind("What's the name and email of the club welfare officer?", row) == "name"
    assert missing_answer_kind("What's the name of the club welfare officer?", "Name: Jo Bloggs | Role: Club Welfare Officer") == ""


def test_a_contact_asked_for_by_name_is_given_only_by_a_clause_naming_it():
    # Another body's number ("BMABA ... 01798 306546") had answered "the phone number for the NSPCC helpline?".
    bmaba = "Key Contacts › BMABA National Designated Safeguarding Lead: Kirsty Hawkins"
    assert missing_answer_kind("whats the phone number for the NSPCC helpline?", "Telephone Number: 01798 306546", bmaba) == "contact"
    assert missing_answer_kind("whats the phone number for the BMABA safeguarding person?", "Telephone Number: 01798 306546",
                               bmaba) == ""
    # What an acronym stands for names it too.
    assert missing_answer_kind("whats the number for the LADO?", "Telephone: 0345 045 5203",
                               "Local Authority Designated Officer") == ""
    assert missing_answer_kind("whats the phone number for the DSL?", "Designated Safeguarding Lead: Jo Bloggs 01234 567890") == ""
    # A question written in capitals names no acronym.
    assert missing_answer_kind("WHATS THE PHONE NUMBER FOR THE WELFARE OFFICER", "Ring the welfare officer on 0800 123 4567.") == ""
    # An email address asked for is not given by phone numbers.
    assert missing_answer_kind("what's the email address for the band safeguarding team?",
                               "Band safeguarding team: Linda Groves 07949 972219") == "contact"
    # Named in words, too: Ofsted's number is not a helpline's; a role named in words may be its acronym.
    assert missing_answer_kind("what's Ofsted's phone number if I want to report a childminder?",
                               "PACEY Helpline - 0300 003 0005", "Useful numbers") == "contact"
    assert missing_answer_kind("whats the phone number for the Rotherham safeguarding hub",
                               "Multi-Agency Safeguarding Hub (MASH) 01709 336080", "Local Contacts Rotherham") == ""
    assert missing_answer_kind("whats the phone number for the welfare officer?", "CWO: Jo Bloggs 01234 567890") == ""
    # "Have you got ...?" asks for the value as "what's ...?" does.
    assert missing_answer_kind("have you got an email address for the RFU safeguarding team?", "Email: jo@example.org",
                               "Club Safeguarding Officer") == "contact"


def test_a_question_about_a_deputy_is_answered_only_by_a_clause_naming_one(tmp_path):
    # "Is there a deputy if Sam is away?" had been answered with the lead's name alone.
    assert missing_answer_kind("is there a deputy safeguarding person if Sam is away?", "Sam Smith",
                               "Key Contacts › Designated Safeguarding Lead") == "deputy"
    assert missing_answer_kind("is there a deputy safeguarding person if Sam is away?", "Alex Jones",
                               "Key Contacts › Deputy Designated Safeguarding Lead") == ""
    assert missing_answer_kind("who do I tell if the lead is away, is there a deputy?",
                               "In the lead's absence, tell the chair.") == ""
    clauses = {c.text: c for c in _markdown_clauses(
        tmp_path, "# Contacts\n\n## Designated Safeguarding Lead\n\nSam Smith\n\n## Deputy Safeguarding Lead\n\nAlex Jones\n")}
    hits = [_hit(clauses["Sam Smith"], 0.50), _hit(clauses["Alex Jones"], 0.45)]
    answer = compose(_found(hits, "is there a deputy safeguarding person if Sam is away?"), "staff", Contacts())
    assert answer.route == "answer" and answer.citations[0].text == "Alex Jones"


def test_how_many_adults_per_child_is_a_ratio_and_a_clause_stating_one_comes_first(tmp_path):
    # "How many leaders do we need per child?" had been answered by a clause that held any number ("under 18").
    assert missing_answer_kind("how many leaders do we need per child on the trip?",
                               "Volunteers cannot contact a young person under 18 one on one.") == "ratio"
    assert missing_answer_kind("how many leaders do we need per child on the trip?",
                               "A minimum ratio of 1:4 adults to children should be maintained.") == ""
    contact, ratio = _markdown_clauses(tmp_path, "# Trips\n\nVolunteers cannot contact a young person under 18 one on one.\n\n"
                                       "A minimum ratio of 1:4 adults to children should be maintained.\n")
    hits = [_hit(contact, 0.45), _hit(ratio, 0.35)]
    answer = compose(_found(hits, "how many leaders do we need per child on the trip?"), "staff", Contacts())
    assert answer.route == "answer" and "1:4" in answer.citations[0].text


def test_a_lead_in_whose_items_state_the_frequency_answers_how_often(tmp_path):
    # The card quotes a lead-in with its items, so the items count when the question asks for a number or a
    # frequency: "Annually" under "training shall be provided:" answers "how often is the training?".
    clauses = {c.text: c for c in _markdown_clauses(tmp_path, (
        "# Training\n\nSafeguarding training shall be provided:\n\n- During induction\n- Annually\n\n"
        "Training shall include:\n\n- Online safety\n- Recognising abuse\n"))}
    provided = clauses["Safeguarding training shall be provided:"]
    included = clauses["Training shall include:"]
    answer = compose(_found([_hit(provided, 0.7)], "how often do we redo the safeguarding training?"), "staff", Contacts())
    assert answer.route == "answer" and "Annually" in answer.citations[0].text
    refused = compose(_found([_hit(included, 0.7)], "how often do we redo the safeguarding training?"), "staff", Contacts())
    assert refused.route == "not_covered"


def test_a_clauses_own_number_is_no_amount_and_a_governing_body_is_no_persons_name():
    # A lead-in quoted with its item carries the policy's number ("3.7 ..."), which no reader takes for how
    # long forms are kept; "report annually to the Governing Body" names no one.
    lead = "3.7 If a child tells you about abuse, the following guidance is given:\nRecord what the child said on an incident form."
    assert missing_answer_kind("how long do we keep incident forms?", lead) == "quantity"
    assert missing_answer_kind("how long do we keep incident forms?", "3.7 Incident forms are kept for 6 years.") == ""
    duties = "The E-Safety Lead will:\nmeet the E-Safety Governor each term\nreport annually to the Governing Body"
    assert missing_answer_kind("whats the name of the e-safety lead", duties) == "name"
    assert missing_answer_kind("whats the name of the e-safety lead", "The E-Safety Lead is Claire Williamson.") == ""
