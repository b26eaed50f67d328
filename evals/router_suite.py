"""The router's evaluation: every labelled message routed, recall per harm slice, false alarms per
negative slice, the test split reported on its own, and latency.

What this module does not do: define the metrics (``evals.metrics``) or the floors (``evals.floors``).
It reports message ids, never message texts.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

from evals.data_files import DATA, load_jsonl
from evals.metrics import percentile, rate, router_rates

BLIND = DATA / "router_blind.jsonl"
# The blind set's authors (each wrote as one kind of person, without sight of the router); split by author.
TRAIN_AUTHORS = ("child9", "parent", "adult_at_risk", "multilingual_a", "teen16", "volunteer",
                 # written as fresh3 authors and measured blind once; then the Arabic lexicon was widened on
                 # their misses and the semantic layer trained on them
                 "arabizi_egy", "darija16")
TEST_AUTHORS = ("teen14", "staff_reporter", "multilingual_b", "child12")
# Written last, by three more authors, when the router's mechanisms were final: measured once, never tuned on.
FINAL_AUTHORS = ("gamer15", "kinship_carer", "multilingual_c")
# Written later still, by seven more authors (a 13-year-old, a coach, a parent writing English as a
# second language and in Portuguese, young people writing in nine other languages; then a grandparent
# carer, a 17-year-old young leader, a tutor): each group measured blind once (evals/README.md).
FRESH_AUTHORS = ("teen13", "coach", "parent_esl", "multilingual_d", "grandparent", "teen17", "tutor")
# Five more, one group measured blind once in a later stop: a 10-year-old gamer, an adult with a learning
# disability, a parent of an autistic child, and two young people writing Arabic in Latin letters
# (Egyptian and Levantine; Moroccan Darija with French and English), since moved to the TRAIN authors.
FRESH3_AUTHORS = ("child10", "adult_ld", "send_parent")  # and two who write Arabic, now TRAIN_AUTHORS
# Three more writing Arabic in Latin letters (Iraqi with Gulf words; Algerian with Tunisian and French;
# Syrian with English), measured blind once after the Arabic lexicon was widened on the two above.
FRESH4_AUTHORS = ("arabizi_iraq", "arabizi_dz", "arabizi_sy")
# Three more (a 15-year-old cadet, a foster carer, a 14-year-old writing Sudanese Arabic in Latin letters),
# measured blind once with the scorer and the semantic layer before and after they were retrained.
FRESH5_AUTHORS = ("cadet15", "foster_carer", "arabizi_sd")
# Three more (an 11-year-old footballer, a parent who helps run a church youth group, a 15-year-old
# writing Polish and English), measured blind once with the router as it was at the start of that stop
# and as it was at its end: the same decisions.
FRESH6_AUTHORS = ("footy11", "church_parent", "polish15")
# Three more (a 13-year-old at an online coding and gaming club, a parent at a sports club, a youth
# worker at a faith-based youth project), asked to phrase many messages of both labels as questions,
# measured blind once with the router as at the start of the stop that added them and after its first
# rules (a question about nobody in particular; a described member of staff in a rule question): the
# same decisions. Their misses were then read and two rules added from them, so they are no longer blind.
FRESH7_AUTHORS = ("gamer13", "sportsparent", "youthworker")
# Six more, in two groups asked for hard ordinary messages (alarming words that are no disclosure): an
# 11-year-old at a dance school, a father of three at a swimming club, a 15-year-old writing Romanian,
# Portuguese and English; then a retired choir volunteer, a 14-year-old in an esports club, a tutor writing
# English and Welsh. Each group measured blind once, with the router unchanged since.
FRESH8_AUTHORS = ("dance11", "swimdad", "roport15")
FRESH9_AUTHORS = ("choirvol", "esports14", "tutorcy")
# Three more, asked as FRESH8 and FRESH9 were: a 13-year-old at a youth theatre, a 16-year-old at a boxing
# gym writing English and Bengali in Latin letters, an assistant Scout leader. Measured blind once, with the
# router unchanged since.
FRESH10_AUTHORS = ("drama13", "boxing16", "scoutleader")
# Three more, asked as FRESH8 to FRESH10 were: an 11-year-old swimmer writing English and Urdu in Latin
# letters, a support worker at a day centre for adults with learning disabilities who helps at a church
# youth club, a 15-year-old in a coding and esports club writing disguised English and Polish. Measured
# blind once, with the router as at the start of that stop plus one rule that changed no decision elsewhere.
FRESH11_AUTHORS = ("swim11", "supportworker", "esports15pl")
# Three more, asked as FRESH11 was, written while that stop's fixes were made and measured blind once at
# its end: a father writing English as a second language and Romanian, a 17-year-old young carer who is a
# young leader at Brownies, a 12-year-old rugby player writing Welsh and English.
FRESH12_AUTHORS = ("tatal_ro", "youngcarer17", "rygbi12")
# Three more, asked as FRESH12 was, measured blind once with the router as at the start of that stop: a
# 15-year-old at a gatka and bhangra club writing English and Punjabi in Latin letters, a mother of two at a
# dance school, a 19-year-old young leader at a church youth group.
FRESH13_AUTHORS = ("gatka15", "balletmum", "youngleader19")
# Three more, asked as FRESH13 was, measured blind once with the router as at the start of that stop: a
# 12-year-old at a junior chess club, a 15-year-old at a cricket club writing English and Bengali in Latin
# letters, a lunchtime supervisor who volunteers at a primary school's after-school club.
FRESH14_AUTHORS = ("chess12", "banglish15", "lunchsup")
# Three more, asked as FRESH14 was, measured blind once with the router as at the start of that stop: a
# 10-year-old at a multi-sports club writing by voice-to-text, a 16-year-old at a dance academy writing
# English and Spanish, a 72-year-old at a church lunch club who helps at its toddler group.
FRESH15_AUTHORS = ("dictate10", "latina16", "lunchclub72")
# Three more, asked as FRESH15 was, measured blind once with the router as at the start of that stop and
# once more with that stop's router changes, before their messages were read: a 14-year-old at a climbing
# club writing English, Ukrainian and both, a 19-year-old care leaver who volunteers at a drop-in, a
# 66-year-old volunteer minibus driver at a community sports centre.
FRESH16_AUTHORS = ("ukr14", "careleaver19", "minibus66")
# Three more, asked as FRESH16 was and measured the same way: a 15-year-old footballer writing English,
# Turkish and both, a 12-year-old gymnast in online slang, a 45-year-old volunteer junior cricket coach.
FRESH17_AUTHORS = ("turk15", "gym12", "cricketvol45")
# Three more, asked as FRESH17 was, measured blind with the router as at the start of the stop and with that
# stop's changes (made from FRESH17 and the earlier splits): a 17-year-old autistic young leader at a Scout
# troop, a 10-year-old at a Brownies-style group who spells by sound, a 14-year-old street dancer writing
# English and Brazilian Portuguese.
FRESH18_AUTHORS = ("explorer17", "brownie10", "dancebr14")
# Three more, asked as FRESH18 was, measured blind with the router as at the start of that stop: a 13-year-old
# violinist at a youth orchestra writing English and Polish, a 34-year-old man with a learning disability at an
# inclusive drama and sports group, a 9-year-old at a judo club.
FRESH19_AUTHORS = ("orch13pl", "inclusive34", "judo9")
# Three more, asked as FRESH19 was, written while that stop's fixes were made and measured blind with the router
# as at its start and with those fixes: a 13-year-old cricketer writing English and Urdu in Latin letters, a
# mother of three who helps at Beavers, a 17-year-old at a youth boxing project writing London slang.
FRESH20_AUTHORS = ("urdu13", "beavermum", "street17")
# Three more, asked as FRESH20 was, measured blind with the router as at the start of that stop: a 15-year-old
# basketball player writing English and Romanian, a 58-year-old man at a gardening project for adults with
# mental health needs who helps at its children's sessions, a mother who is a nurse writing about her children's
# tutoring.
FRESH21_AUTHORS = ("hoops15ro", "gardener58", "tutormum")
# Three more, asked as FRESH21 was, written while that stop's fixes were made and measured blind with them: a
# 16-year-old at a Welsh-language youth club and brass band writing Welsh and English, a teaching assistant who
# volunteers at a disability-inclusive sports club, an 11-year-old writing English with Sylheti and Bengali.
FRESH22_AUTHORS = ("cymru16", "senta", "banglakid11")
# Three more, asked as FRESH22 was, measured blind with the router as at the start of that stop: an 8-year-old at a
# karate club who spells as she speaks and voice-types, a 14-year-old writing Punjabi in Latin letters with English
# and UK slang, a volunteer teacher at a mosque's weekend school who also writes of his elderly mother.
FRESH23_AUTHORS = ("karate8", "punjabi14", "madrasa_vol")
# Three more, asked as FRESH23 was, measured blind with the router as at the start of that stop: a 12-year-old at
# a capoeira and street-dance club writing Brazilian Portuguese and English, a 16-year-old autistic young person at
# a coding and robotics club who writes long, literal messages, a 22-year-old playworker at a holiday playscheme.
FRESH24_AUTHORS = ("capoeira12pt", "literal16", "playworker22")
# Three more, written while that stop's fixes were made and measured blind with them at its end: a 13-year-old sea
# cadet writing Spanish and English, a dad who referees an under-12s football team, a 67-year-old woman at a day
# centre who also volunteers at its children's craft sessions.
FRESH25_AUTHORS = ("sea13es", "refdad41", "daycentre67")
# Three more, asked as FRESH25 was, measured blind with the router as at the start of that stop: a 14-year-old at
# a youth club writing Somali and English, a 52-year-old bell-ringing tower captain, a dyslexic 12-year-old at an
# athletics club who spells as words sound.
FRESH26_AUTHORS = ("somali14", "bellringer52", "dyslexic12")
# Four more, asked as FRESH26 was, measured blind with the router as at the start of that stop: a 14-year-old at
# a youth theatre writing Lithuanian and English, a volunteer teacher at a mosque's weekend madrasa (with children
# and a mother writing Urdu in Latin script), a 15-year-old skater writing south London slang, a mother of an
# autistic non-speaking boy at an inclusive sports club (with his 16-year-old sister).
FRESH27_AUTHORS = ("lith14", "madrasa31", "skate15", "sendmum38")
# Four more, asked as FRESH27 was, measured blind with the router as at the start of that stop: a deaf 15-year-old
# whose first language is British Sign Language, writing English in its word order; a 17-year-old asylum seeker
# from Afghanistan writing Dari in Latin letters and English; a Nigerian mother writing Pidgin and English; a
# 13-year-old at a temple youth group writing Gujarati in Latin letters and English.
FRESH28_AUTHORS = ("bsl15", "farsi17", "pidginmum", "gujlish13")
# Two more, written during that stop and measured blind with the router as at its end (before the fixes they
# showed): a 16-year-old air cadet writing Northern English dialect, a 12-year-old at a Saturday Tamil school
# and a cricket club writing Tamil in Latin letters and English.
FRESH29_AUTHORS = ("air16", "tamil12")
# Four more (a later stop), measured blind with the router as at its start: a 14-year-old at a badminton club and
# an online coding club writing Hindi in Latin letters and English; a 15-year-old from Kinshasa at a football
# academy writing French (and a little Lingala) and English; a 60-year-old leader of a uniformed girls' group; a
# 44-year-old with a learning disability at an adult art group, some messages typed by his support worker.
FRESH30_AUTHORS = ("hinglish14", "french15", "guideleader60", "daycare44")
# Three more, written during that stop and measured blind with its router after FRESH30's fixes: a 15-year-old from
# Hong Kong writing Cantonese (characters and romanised) and English; a 12-year-old from Syria writing Arabic script
# and English; a 16-year-old Explorer Scout writing Gen-Z slang and the code words that dodge filters.
FRESH31_AUTHORS = ("hongkong15", "syria12ar", "explorer16")
# Four more (a later stop), measured blind with the router as at its start: a 15-year-old in south London writing
# English with Nigerian Pidgin and Yoruba; a 14-year-old who came from Vietnam two years ago writing Vietnamese
# (mostly without accents) and learner's English; a 17-year-old Kurdish asylum seeker in supported accommodation
# writing Kurmanji in Latin letters and plain English; a 16-year-old on a youth theatre residential who types in
# bursts of short messages.
FRESH32_AUTHORS = ("yoruba15", "viet14", "kurd17", "residential16")
# Three more, written during that stop and measured blind with its router after FRESH32's fixes: a 16-year-old from an
# Ethiopian family writing English and Amharic (Ge'ez script and Latin letters); a 39-year-old father and assistant Cub
# Scout leader typing by voice between deliveries; a 71-year-old at a lunch club who cares for her husband.
FRESH33_AUTHORS = ("amharic16", "cubdad39", "carer71")
AUTHORS = {"train": TRAIN_AUTHORS, "test": TEST_AUTHORS, "final": FINAL_AUTHORS, "fresh": FRESH_AUTHORS,
           "fresh3": FRESH3_AUTHORS, "fresh4": FRESH4_AUTHORS, "fresh5": FRESH5_AUTHORS, "fresh6": FRESH6_AUTHORS,
           "fresh7": FRESH7_AUTHORS, "fresh8": FRESH8_AUTHORS, "fresh9": FRESH9_AUTHORS,
           "fresh10": FRESH10_AUTHORS, "fresh11": FRESH11_AUTHORS,
           "fresh12": FRESH12_AUTHORS, "fresh13": FRESH13_AUTHORS, "fresh14": FRESH14_AUTHORS,
           "fresh15": FRESH15_AUTHORS, "fresh16": FRESH16_AUTHORS, "fresh17": FRESH17_AUTHORS,
           "fresh18": FRESH18_AUTHORS, "fresh19": FRESH19_AUTHORS, "fresh20": FRESH20_AUTHORS,
           "fresh21": FRESH21_AUTHORS, "fresh22": FRESH22_AUTHORS, "fresh23": FRESH23_AUTHORS,
           "fresh24": FRESH24_AUTHORS, "fresh25": FRESH25_AUTHORS, "fresh26": FRESH26_AUTHORS,
           "fresh27": FRESH27_AUTHORS, "fresh28": FRESH28_AUTHORS,
           "fresh29": FRESH29_AUTHORS, "fresh30": FRESH30_AUTHORS,
           "fresh31": FRESH31_AUTHORS, "fresh32": FRESH32_AUTHORS, "fresh33": FRESH33_AUTHORS}
SPLITS = tuple(AUTHORS)
# Each held-out split's floors in evals/floors.py: <PREFIX>_RECALL_MIN, _KIND_RECALL_MIN, _FPR_MAX and
# _FPR_HARD_NEGATIVE_MAX (the test split's carry the older name ROUTER_BLIND).
FLOOR_PREFIX = {split: "ROUTER_BLIND" if split == "test" else f"ROUTER_{split.upper()}" for split in SPLITS if split != "train"}


def evaluate_router(router) -> tuple[dict, list[tuple[str, str, str]]]:
    """Figures for the report, and (id, slice, "missed" | "false alarm") for every wrong decision."""
    from assistant.train_router import split_of

    records, times, misses = [], [], []
    for item in load_jsonl(DATA / "router.jsonl"):
        started = time.perf_counter()
        decision = router.route(item["text"])
        times.append((time.perf_counter() - started) * 1000)
        records.append({"label": item["label"], "slice": item["slice"], "core": item.get("core", False),
                        "routed": decision.is_disclosure, "split": split_of(item["template"]), "id": item["id"]})
        if decision.is_disclosure != bool(item["label"]):
            misses.append((item["id"], item["slice"], "missed" if item["label"] else "false alarm"))
    rates_all = router_rates(records)
    rates_test = router_rates([r for r in records if r["split"] == "test"])
    figures = dict(
        router_recall_core=rates_all["recall_core"], router_recall=rates_all["recall_all"],
        router_min_slice_recall=min(rates_all["recall"].values()),
        router_fpr_policy=rates_all["fpr_policy_question"], router_fpr_hard_negative=rates_all["fpr_hard_negative"],
        router_test_recall=rates_test["recall_all"], router_test_fpr_hard_negative=rates_test["fpr_hard_negative"],
        router_p50_ms=percentile(times, 50), router_p95_ms=percentile(times, 95),
        router_slices=rates_all,
    )
    return figures, misses


def evaluate_blind(router) -> tuple[dict, list[tuple[str, str, str, str]]]:
    """The blind set, train and test authors apart, per kind: recall of disclosures, false-positive rate
    of ordinary messages. A conversation counts as routed when its last turn routes or an earlier turn
    did (the notice stays), exactly as ``Assistant.ask`` reads it. Ids only, never texts."""
    from assistant.route import read_conversation

    figures: dict = {}
    wrong = []
    items = load_jsonl(BLIND)  # read once, not once per split
    for split in SPLITS:
        by_kind: dict[str, list[bool]] = defaultdict(list)
        labels: dict[str, int] = {}
        pos, neg, hard = [], [], []
        for item in (r for r in items if r["split"] == split):
            if "turns" in item:
                conversation = read_conversation(router, item["turns"][:-1], item["turns"][-1])
                routed = conversation.decision.is_disclosure or conversation.routed_before
            else:
                routed = router.route(item["text"]).is_disclosure
            by_kind[item["kind"]].append(routed)
            labels[item["kind"]] = item["label"]
            (pos if item["label"] else neg).append(routed)
            if not item["label"] and item["kind"] != "policy_question":
                hard.append(routed)
            if routed != bool(item["label"]):
                wrong.append((item["id"], split, item["kind"], "missed" if item["label"] else "false alarm"))
        if not pos and not neg:
            continue
        figures[f"router_blind_{split}_recall"] = rate(pos)
        figures[f"router_blind_{split}_fpr"] = rate(neg)
        figures[f"router_blind_{split}_fpr_hard_negative"] = rate(hard)
        recalls = {k: rate(v) for k, v in by_kind.items() if labels[k] == 1}
        figures[f"router_blind_{split}_min_kind_recall"] = min(recalls.values()) if recalls else 1.0
        figures[f"router_blind_{split}_kinds"] = {k: (labels[k], len(v), rate(v)) for k, v in sorted(by_kind.items())}
    return figures, wrong


def blind_floor_checks() -> list[tuple[str, str, float]]:
    """The blind test, final and later splits' floors, for ``evals.run.check_floors``."""
    from evals import floors

    return [(f"router_blind_{split}_{figure}", op, getattr(floors, f"{prefix}_{name}"))
            for split, prefix in FLOOR_PREFIX.items()
            for figure, op, name in (("recall", ">=", "RECALL_MIN"), ("min_kind_recall", ">=", "KIND_RECALL_MIN"),
                                     ("fpr", "<=", "FPR_MAX"), ("fpr_hard_negative", "<=", "FPR_HARD_NEGATIVE_MAX"))]


def render_blind(figures: dict, wrong: list[tuple[str, str, str, str]]) -> list[str]:
    """Markdown: per kind, train and test authors apart; then the ids of every wrong decision."""
    lines = ["", "## Router on the blind set (authors who never saw the router; split by author)", ""]
    for split in SPLITS:
        if f"router_blind_{split}_kinds" not in figures:
            continue
        kinds = figures.get(f"router_blind_{split}_kinds", {})
        lines += [f"### {split} authors: recall {figures.get(f'router_blind_{split}_recall', 0):.3f}, "
                  f"false positives {figures.get(f'router_blind_{split}_fpr', 0):.3f} "
                  f"(hard negatives {figures.get(f'router_blind_{split}_fpr_hard_negative', 0):.3f})", "",
                  "| kind | label | n | recall | false-positive rate |", "|---|---|---|---|---|"]
        for kind, (label, n, value) in kinds.items():
            lines.append(f"| {kind} | {label} | {n} | {f'{value:.3f}' if label else ''} | {'' if label else f'{value:.3f}'} |")
        lines.append("")
    lines += ["Wrong decisions (ids only; the texts are in evals/data/router_blind.jsonl):", ""]
    lines += [f"- {i} ({split}, {kind}): {what}" for i, split, kind, what in wrong] or ["- none"]
    return lines


class BlindImportError(Exception):
    """The blind set cannot be imported whole from the folders given."""


def import_blind(*sources: Path | str, out: Path | str = BLIND) -> dict[str, int]:
    """Copy the blind authors' files (from any of the folders given) into one JSON Lines file with a
    "split" field, printing nothing of their contents (the test and final authors' texts are never to
    be read while the router is being built). Returns the rows per split. Every author of every split
    must be found: the file is rewritten whole, and an author left out would be a split's rows lost
    (``BlindImportError``, the file untouched)."""
    missing = [str(s) for s in sources if not Path(s).is_dir()]
    if missing or not sources:
        raise BlindImportError(f"not a folder of authors' files: {', '.join(missing) or '(none given)'}")
    rows, absent = [], []
    for split, authors in AUTHORS.items():
        for author in authors:
            found = [Path(s) / f"{author}.jsonl" for s in sources if (Path(s) / f"{author}.jsonl").is_file()]
            if not found:
                absent.append(author)
            for row in load_jsonl(found[0]) if found else []:
                rows.append({**row, "split": split})
    if absent:
        raise BlindImportError(f"no file for {len(absent)} authors in those folders: {', '.join(absent)}")
    Path(out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return {split: sum(r["split"] == split for r in rows) for split in SPLITS}


if __name__ == "__main__":  # python -m evals.router_suite DIR [DIR]: import the blind set (counts only)
    import sys

    try:
        counts = import_blind(*sys.argv[1:])
    except BlindImportError as error:
        sys.exit(f"usage: python -m evals.router_suite DIR [DIR ...]\n{error}")
    print(f"imported {', '.join(f'{n} {split}' for split, n in counts.items())} rows into {BLIND}")
