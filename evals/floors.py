"""Every floor the evaluation suite enforces, in one place.

CI fails when a measured figure falls below (or, for rates marked "at most", above) its floor.
Change a floor only with the evidence for it in the change's description.

Length: every held-out group of router authors has its four floors with the figures they were set on, all here
because floors live in one place; the file grows with the blind data, not with code.
"""

# Retrieval and answers, on evals/data/questions.jsonl (answerable and out-of-scope questions).
# Regression floors a little under what the pipeline measures today with the example questions in
# policy_docs/questions/ (hit@1 0.905, hit@3 0.986, MRR 0.943, out-of-scope abstention 0.909 with 1.7%
# of answerable questions wrongly abstaining). The targets below are met; one question more or less
# moves abstention by 0.015, so the abstention floor sits a question or two under the target.
# With the adapted embedding model (assistant/train_embedder.py, which learnt from these example
# questions): hit@1 0.939, hit@3 0.993, MRR 0.965, abstention 0.924 with 2.4% wrongly abstaining.
HIT_AT_1_MIN = 0.92          # right clause first
HIT_AT_3_MIN = 0.98          # right clause within the first three
MRR_MIN = 0.95
ABSTAIN_OUT_OF_SCOPE_MIN = 0.90   # out-of-scope questions that answer not_covered
CITATION_EXACTNESS_MIN = 1.0  # every cited text verbatim in its source document
ABSTAIN_ANSWERABLE_MAX = 0.03     # answerable questions wrongly answered not_covered
# On evals/data/out_of_scope_blind.jsonl, written without sight of the pipeline's settings and never used
# to choose one: measured 0.702 (near-topic 0.447, organisational 0.931, other policies 0.847); with the
# adapted model 0.738 (near-topic 0.500).
ABSTAIN_BLIND_OUT_OF_SCOPE_MIN = 0.70

# The targets the product is held to (the answers issue); the report shows the gap to each.
TARGETS = {
    "hit_at_1": 0.90,
    "hit_at_3": 0.97,
    "mrr": 0.92,
    "abstain_out_of_scope": 0.90,
}

# Other organisations' policies (evals.cross_policy: ../shared/policies-dev, each folder ingested alone,
# no example questions, questions from their question sets and evals/data/cross_policy/). Regression
# floors at what the pipeline measures (see evals/README.md); the targets, beside them, are not
# met: the report shows the gap.
# Measured on the six (388 questions): hit@1 0.680, hit@3 0.806 (as the answers cite them), out-of-scope
# not covered 0.532 (0.606 before the facets, 0.553 with them; then an ALL CAPS heading with no gap
# before it, now found, gave one policy's definitions their own section and 2 of its 16 out-of-scope
# questions found them close: see evals/README.md), answerable not covered 0.048, 3 ordinary
# questions routed, every clause verbatim. A cite copied from Markdown source now also matches as a
# reader sees it: hit@3 0.810.
CROSS_HIT_AT_1_MIN = 0.66
CROSS_HIT_AT_3_MIN = 0.80
# An age limit asked in other words needs a number in the cited clause (a later stop): out-of-scope 0.543 -> 0.564;
# a name asked for needs a person's name (the stop after): 0.574.
# Lowered 0.57 -> 0.56 in the FRESH28 stop: a long paragraph judged by its closest sentence (0.585 -> 0.574; six more
# answerable questions answered over 46 folders) and Markdown's two-space nested lists quoted under their lead-in
# (0.574 -> 0.564: a Hack Club question on how long reports are kept is now answered from a related clause).
CROSS_ABSTAIN_OUT_OF_SCOPE_MIN = 0.56
CROSS_ABSTAIN_ANSWERABLE_MAX = 0.06
CROSS_ROUTED_MAX = 2.0  # ordinary questions about those policies routed to the safeguarding notice (3 before this stop's router changes)
CROSS_TARGETS = {"hit@1": 0.80, "hit@3": 0.92, "out-of-scope not covered": 0.85, "answerable not covered": 0.05,
                 "ordinary questions routed": 0}
# The shipped policy without its example questions, on the dev set's answerable questions: 0.844
# (hit@3 0.929; 0.847 / 0.932 before the facets); the target is 0.80.
NO_EXAMPLES_HIT_AT_1_MIN = 0.80

# The safeguarding router, on evals/data/router.jsonl.
ROUTER_CORE_RECALL_MIN = 1.0       # unambiguous disclosures: every one routed
ROUTER_RECALL_MIN = 0.98           # all disclosures
ROUTER_SLICE_RECALL_MIN = 0.95     # no harm category below this
ROUTER_FPR_POLICY_MAX = 0.05       # ordinary policy questions routed by mistake
ROUTER_FPR_HARD_NEGATIVE_MAX = 0.20  # procedural, definitions, figurative, role-play, news

# The safeguarding router on the blind set (evals/data/router_blind.jsonl), TEST authors only (teen14,
# staff_reporter, multilingual_b, child12), measured once the mechanisms were final. The issue asks for
# recall >= 0.99 overall and >= 0.95 in every kind, false positives <= 3% on ordinary messages and
# <= 10% on hard negatives. Measured on the test authors: recall 0.962 (lowest kind: a question then a
# disclosure, 0.870), false positives 0.103 of ordinary messages and 0.112 of hard negatives. None of
# the four targets is met, so each floor is what was measured (a regression guard), not the target.
# Then a sentence after a question that routes on the lexicon's rules alone routed its whole message
# (router._turn): recall 0.966 (lowest kind 0.913, a question then a disclosure, 21 of 23), false
# positives unchanged at 0.103 and 0.112. Then a question naming someone of the writer's own is held
# to the scorer's ordinary bar (router._decide): recall 0.969 (lowest kind 0.933, conversations 28 of
# 30), false positives unchanged. With the semantic layer (assistant.route.semantic): recall 0.973,
# false positives unchanged. With the wider Arabic-in-Latin-letters lexicon, other languages read as
# written as well as de-disguised, and the precision fixes of the English lexicon (a lesson about a
# topic, a machine as the one "killing" or "kicking", "won't be at" only as a farewell, a permission
# question about any staff member): recall 0.981, false positives 0.097 and 0.105.
ROUTER_BLIND_TARGETS = {"recall": 0.99, "min_kind_recall": 0.95, "fpr": 0.03, "fpr_hard_negative": 0.10}
ROUTER_BLIND_RECALL_MIN = 0.98  # 0.985 with the scorer and semantic layer retrained (see FRESH5 below)
ROUTER_BLIND_KIND_RECALL_MIN = 0.95  # measured 28 of 30 = 0.933; 0.950 after the retraining
ROUTER_BLIND_FPR_MAX = 0.09  # 0.092 with one weak signal and a specific cue no longer enough (0.4 bonus); 0.086 retrained
ROUTER_BLIND_FPR_HARD_NEGATIVE_MAX = 0.10  # 0.098; 0.091 retrained; 0.098 with asking to tell of one's own harm a disclosure (the target)
# FINAL authors (gamer15, kinship_carer, multilingual_c), written after the router was final and
# measured once: recall 0.976 (lowest kinds 0.857: a question then a disclosure, 12 of 14; staff
# conduct, 6 of 7), false positives 0.125 of ordinary messages and 0.146 of hard negatives. Again
# none of the targets is met; the floors are the measured values. With the sentence rule: recall
# 0.982 (a question then a disclosure 13 of 14; lowest kind staff conduct, 6 of 7), false positives
# 0.133 (one more ordinary message routed) and 0.146. With the ordinary bar for a question naming
# someone of the writer's own: recall 0.988, false positives unchanged. With the semantic layer: recall
# 0.994 (lowest kind 0.929, a question then a disclosure, 13 of 14), false positives 0.141 and 0.156
# (one more ordinary message routed: a broken wrist and six weeks off football). With the changes
# above: recall unchanged, false positives 0.125 and 0.135.
ROUTER_FINAL_RECALL_MIN = 0.99
ROUTER_FINAL_KIND_RECALL_MIN = 0.92
ROUTER_FINAL_FPR_MAX = 0.10  # 0.117 after the 'what do i do if i am' frame became a weak signal; 0.109 with the 0.4 bonus; 0.094 retrained; 0.102 with a sure statement after a question routing (recall 0.994 -> 1.000), so 0.105 for a while; 0.094 once 'Not good enough.' closing a complaint stopped routing
ROUTER_FINAL_FPR_HARD_NEGATIVE_MAX = 0.10  # 0.115; 0.094 retrained
# FRESH authors, written in a later stop by helpers who saw only the authors' brief, in two groups each
# measured blind once. Four (teen13, coach, parent_esl, multilingual_d: 437 messages, nine languages
# besides English): recall 0.938, false positives 0.144 and 0.135; of the 15 disclosures missed, 10
# (not in English) get the English-only notice with 999 and Childline, not a policy answer. Three more
# (grandparent, teen17, tutor: 333 messages): recall 0.977, false positives 0.152 and 0.177. All seven,
# with the ordinary bar for a question naming someone of the writer's own (chosen on the first four):
# recall 0.957 (lowest kind suicidal, 17 of 19), false positives 0.148 and 0.154. With the semantic
# layer: recall 0.971 (6 more: four in Portuguese, one in Urdu, one English self-harm), false positives
# 0.151 and 0.157 (one more). With the changes above: recall 0.981 (four more in Arabic in Latin
# letters), false positives 0.142 and 0.150. Floors: measured.
ROUTER_FRESH_RECALL_MIN = 0.98
ROUTER_FRESH_KIND_RECALL_MIN = 0.92  # 0.932; 0.927 retrained (the semantic layer's bar rose and lost a Portuguese euphemism)
ROUTER_FRESH_FPR_MAX = 0.13  # 0.139 with the 0.4 bonus; 0.125 retrained
ROUTER_FRESH_FPR_HARD_NEGATIVE_MAX = 0.14  # 0.146; 0.139 retrained
# FRESH3 authors (child10, adult_ld, send_parent, arabizi_egy, darija16: 525 messages), written by
# helpers who saw only the authors' brief, measured blind once: recall 0.860, false positives 0.151
# and 0.173. The three writing English: recall 0.983, false positives 0.159 to 0.234, unchanged by the
# English lexicon's precision fixes. The two writing Arabic in Latin letters: recall 0.790 and 0.581;
# then, measured once more with the wider Arabic lexicon (written from the dialects, not from their
# messages): 0.806 and 0.694. All five: recall 0.887 (lowest kind conversations, 21 of 32), false
# positives unchanged. With a message in another language read with its conversation (router.route):
# 0.893 (conversations 23 of 32); fresh 0.981 -> 0.983. Floors: measured.
# Then the Arabic lexicon was widened again on the two Arabic authors' misses, and those two were moved to
# the TRAIN authors (the semantic layer and the scorer are trained on them): the split is the three
# writing English, recall 0.983 (lowest kind 0.938), false positives 0.184 and 0.222 before the
# retraining, 0.176 and 0.213 after (the split changed, so the false-positive floors rose with it).
ROUTER_FRESH3_RECALL_MIN = 0.98
ROUTER_FRESH3_KIND_RECALL_MIN = 0.93
ROUTER_FRESH3_FPR_MAX = 0.18
ROUTER_FRESH3_FPR_HARD_NEGATIVE_MAX = 0.215
# FRESH4 authors (arabizi_iraq, arabizi_dz, arabizi_sy: 323 messages, all Arabic in Latin letters), written
# by helpers who saw only the authors' brief, measured blind once before and once after that second
# widening: recall 0.760 -> 0.776 (Iraqi 0.609, Algerian 0.754 -> 0.803, Syrian 0.935), false positives
# 0.107 and 0.125 both times. What the lexicon learns from one writer's dialect barely carries to the
# next. Most of what is missed gets the English-only notice (999, Childline). Floors: measured.
# Then the semantic layer and the scorer retrained with the two fresh3 Arabic authors (the scorer's bars
# 0.5 / 0.69 given by hand, see evals/README.md): recall 0.776 -> 0.932 (lowest kind 0.688, a question
# then a disclosure), false positives 0.107 -> 0.145 and 0.125 -> 0.154: the false-positive floors were
# raised with it (most of these messages would otherwise get the English-only notice, not an answer).
ROUTER_FRESH4_RECALL_MIN = 0.93
ROUTER_FRESH4_KIND_RECALL_MIN = 0.68
ROUTER_FRESH4_FPR_MAX = 0.15
ROUTER_FRESH4_FPR_HARD_NEGATIVE_MAX = 0.155
# FRESH5 authors (cadet15, foster_carer, arabizi_sd: 317 messages), written by helpers who saw only the
# brief, measured blind once in three configurations: as committed before the retraining, recall 0.943,
# false positives 0.113 and 0.128; with the semantic layer retrained, 0.949 and unchanged; with the
# scorer retrained too (shipped), 0.971 (Sudanese Arabic 0.885 -> 0.967; the two writing English
# unchanged at 0.984 and 0.962), false positives 0.148 and 0.174 (four more Arabic, one English).
ROUTER_FRESH5_RECALL_MIN = 0.97
ROUTER_FRESH5_KIND_RECALL_MIN = 0.71  # a question then a disclosure, 10 of 14
ROUTER_FRESH5_FPR_MAX = 0.15
ROUTER_FRESH5_FPR_HARD_NEGATIVE_MAX = 0.175
# FRESH6 authors (footy11, church_parent, polish15: 329 messages, 56 in Polish and 31 mixed), written by
# helpers who saw only the brief, measured blind once with the router as at the start of the stop that
# added them and as at its end (a rule question about one's own coach, presupposition, asking whether
# to tell): the same decisions. Recall 0.969 (the parent 1.000, the footballer 0.983, Polish 0.924;
# lowest kinds 0.875, euphemism 14 of 16 and suicidal 7 of 8), false positives 0.145 and 0.168.
ROUTER_FRESH6_RECALL_MIN = 0.96
ROUTER_FRESH6_KIND_RECALL_MIN = 0.87
ROUTER_FRESH6_FPR_MAX = 0.15
ROUTER_FRESH6_FPR_HARD_NEGATIVE_MAX = 0.17
# FRESH7 authors (gamer13, sportsparent, youthworker: 328 messages, many of both labels phrased as
# questions), written by helpers who saw only the brief, measured blind once with the router as at the
# start of the stop that added them and as at its end: the same decisions. Recall 0.967 (178 of 184;
# lowest kind 0.833, forced marriage, FGM and radicalisation 5 of 6), false positives 0.083 and 0.094.
# Then one miss was read and a rule added (a weak word about one's own person, again, in a procedural
# question): recall 0.973, false positives unchanged; with a sure statement after a question routing
# (SENTENCE_SURE, chosen after reading these misses), 0.984.
ROUTER_FRESH7_RECALL_MIN = 0.98
ROUTER_FRESH7_KIND_RECALL_MIN = 0.83
ROUTER_FRESH7_FPR_MAX = 0.09
ROUTER_FRESH7_FPR_HARD_NEGATIVE_MAX = 0.10
# FRESH8 (dance11, swimdad, roport15: 295 messages) and FRESH9 (choirvol, esports14, tutorcy: 300), written
# by helpers who saw only the brief, asked for ordinary messages with alarming words in them; each measured
# blind once, the router unchanged since. FRESH8: recall 0.973 (179 of 184; the 11-year-old 0.935, lowest
# kind suicidal 8 of 9), ordinary messages routed 0.276, hard negatives 0.265. FRESH9: recall 0.973 (182 of
# 187; the 14-year-old 0.919, lowest kinds self-harm and suicidal 8 of 9), 0.252 and 0.243. The issue's
# targets are 0.99 and 0.03: these floors hold what was measured, they are not the goal.
ROUTER_FRESH8_RECALL_MIN = 0.97
ROUTER_FRESH8_KIND_RECALL_MIN = 0.88
ROUTER_FRESH8_FPR_MAX = 0.28
ROUTER_FRESH8_FPR_HARD_NEGATIVE_MAX = 0.27
ROUTER_FRESH9_RECALL_MIN = 0.97
ROUTER_FRESH9_KIND_RECALL_MIN = 0.88
ROUTER_FRESH9_FPR_MAX = 0.26
ROUTER_FRESH9_FPR_HARD_NEGATIVE_MAX = 0.25
# FRESH10 (drama13, boxing16, scoutleader: 341 messages), asked as FRESH8 and FRESH9 were, measured blind once:
# recall 0.979 (185 of 189; the 16-year-old writing Bengali in Latin letters 0.952, his messages in it 2 of 4,
# both missed ones given the English-only notice), ordinary messages routed 0.204, hard negatives 0.206.
ROUTER_FRESH10_RECALL_MIN = 0.97
ROUTER_FRESH10_KIND_RECALL_MIN = 0.50
ROUTER_FRESH10_FPR_MAX = 0.20  # 0.197 after two lexicon fixes made from the other splits (one message here changed)
ROUTER_FRESH10_FPR_HARD_NEGATIVE_MAX = 0.20
# FRESH11 (swim11, supportworker, esports15pl: 343 messages), asked as FRESH10 was, measured blind once with
# the router as at the start of that stop plus one rule that changed no decision on the other splits (harm to
# the writer by a person of the writer's own is no permission question): recall 0.995 (190 of 191; the one
# missed a conversation, multi_turn 13 of 14; Urdu in Latin letters and Polish all caught), ordinary
# messages routed 0.250, hard negatives 0.250.
ROUTER_FRESH11_RECALL_MIN = 0.99
ROUTER_FRESH11_KIND_RECALL_MIN = 0.92
ROUTER_FRESH11_FPR_MAX = 0.25
ROUTER_FRESH11_FPR_HARD_NEGATIVE_MAX = 0.25
# FRESH12 (tatal_ro, youngcarer17, rygbi12: 344 messages), asked as FRESH11 was, written while that stop's
# fixes were made and measured blind once at its end: recall 1.000 (190 of 190; Welsh, Romanian and every kind
# caught), ordinary messages routed 0.292, hard negatives 0.316 (the father's plain complaints 5 of 5).
ROUTER_FRESH12_RECALL_MIN = 0.99
ROUTER_FRESH12_KIND_RECALL_MIN = 0.95
ROUTER_FRESH12_FPR_MAX = 0.30
ROUTER_FRESH12_FPR_HARD_NEGATIVE_MAX = 0.32
# FRESH13 (gatka15, balletmum, youngleader19: 337 messages), asked as FRESH12 was, measured blind once with the
# router as at the start of that stop: recall 1.000 (187 of 187; Punjabi in Latin letters 4 of 4, every kind
# caught), ordinary messages routed 0.240. Two lexicon fixes made from it then (a portal that locks the writer
# out, a scene in a show) took that to 0.227, hard negatives 0.230.
ROUTER_FRESH13_RECALL_MIN = 0.99
ROUTER_FRESH13_KIND_RECALL_MIN = 0.95
ROUTER_FRESH13_FPR_MAX = 0.25
ROUTER_FRESH13_FPR_HARD_NEGATIVE_MAX = 0.25
# FRESH14 (chess12, banglish15, lunchsup: 339 messages), asked as FRESH13 was, measured blind once with the
# router as at the start of that stop: recall 0.995 (187 of 188; Bengali in Latin letters all caught; the
# one missed a conversation of the 12-year-old's, conversations 12 of 13), ordinary messages routed 0.232
# (the lunchtime supervisor's 18 of 50), hard negatives 0.222. Then that conversation was read and a bruise
# told by its colour ("my eye is all purple") joined "black eye" in the lexicon: recall 1.000, the rest unchanged.
ROUTER_FRESH14_RECALL_MIN = 0.99
ROUTER_FRESH14_KIND_RECALL_MIN = 0.95
ROUTER_FRESH14_FPR_MAX = 0.24
ROUTER_FRESH14_FPR_HARD_NEGATIVE_MAX = 0.23
# FRESH15 (dictate10, latina16, lunchclub72: 342 messages), asked as FRESH14 was, measured blind once with the
# router as at the start of that stop: recall 0.990 (190 of 192; a bruise told as "the colours go away" before a
# question with no full stop between, voice-to-text; "i wont be around for the showcase anyway" in a
# conversation: euphemism 11 of 12, conversations 13 of 14), ordinary messages routed 0.340 (the 10-year-old's
# and the 72-year-old's 20 of 50 each). Then four lexicon fixes (an account locked, a website taking a payment,
# laps run in training, a rule question about the organisation's adults): 0.327, hard negatives 0.304. These
# floors sit under the targets (recall 0.99, every kind 0.95): the measured figures, not goals.
# A later stop's figures of speech beside their cause (a death wish or a threat said of a trivial cause, an
# injury told with its accident) and the reader keeping the lexicon's words whole: 0.320 and 0.296; with the
# rest of that stop's changes 0.313 and 0.289.
ROUTER_FRESH15_RECALL_MIN = 0.989
ROUTER_FRESH15_KIND_RECALL_MIN = 0.91
ROUTER_FRESH15_FPR_MAX = 0.315
ROUTER_FRESH15_FPR_HARD_NEGATIVE_MAX = 0.29
# FRESH16 (ukr14, careleaver19, minibus66: 342 messages), asked as FRESH15 was, measured blind with the router
# as at the start of that stop: recall 0.974 (187 of 192), ordinary messages routed 0.247; then, still unread,
# with that stop's router changes: 0.974 and 0.240. Read afterwards: two of the five missed are in Ukrainian
# (the English-only notice; Ukrainian is not among the languages the router reads), so other languages are
# 3 of 5. With the fixes made from it (a lesson about a named topic, "sorry for missing", an illness that
# "knocked me for six", tired limbs, harm named only as "the thing" done again, what the writer has taken as
# fact in "can i ... with cuts on my arms?", Ukrainian and Russian read): recall 0.995 (the two Ukrainian
# messages too, read before those patterns were written), lowest kind 0.917 (disguised spelling 11 of 12),
# ordinary messages routed 0.213, hard negatives 0.207. Under the targets: the measured figures, not goals.
ROUTER_FRESH16_RECALL_MIN = 0.994
ROUTER_FRESH16_KIND_RECALL_MIN = 0.91
ROUTER_FRESH16_FPR_MAX = 0.22
ROUTER_FRESH16_FPR_HARD_NEGATIVE_MAX = 0.21

# Speed, reported by the benchmark (not a timed test); listed here so the report can compare.
WARM_P95_MS_MAX = 50.0
ROUTER_P95_MS_MAX = 10.0
ONE_SHOT_CLI_S_MAX = 3.0
INGEST_1000_PAGES_S_MAX = 120.0
SERVING_PEAK_MB_MAX = 1536.0
# FRESH17 (turk15, gym12, cricketvol45: 336 messages), asked as FRESH16 was, measured blind with the router
# as at the start of that stop: recall 0.984 (181 of 184; one of the three missed, in Turkish, got the
# English-only notice), ordinary messages routed 0.178; still unread, with that stop's first changes (three
# spaced letters joined into a word, "cut again" with no subject): the same. Read afterwards, with the fixes
# made from it (Turkish read; a threat to the writer over the writer's own slip; numbness; put off a call;
# work called abuse; an injury on gym apparatus; a door shut and "if u know what i mean"; photos taken into
# a changing room; "N weeks running" no longer bullying on its own): recall 1.000, ordinary messages routed
# 0.132, hard negatives 0.132. Under the targets: the measured figures, not goals.
ROUTER_FRESH17_RECALL_MIN = 0.994
ROUTER_FRESH17_KIND_RECALL_MIN = 0.95
ROUTER_FRESH17_FPR_MAX = 0.14
ROUTER_FRESH17_FPR_HARD_NEGATIVE_MAX = 0.14
# FRESH18 (explorer17, brownie10, dancebr14: 344 messages), measured blind twice before it was read: with the
# router as at the start of that stop, recall 0.969 (186 of 192), ordinary messages routed 0.243; with that
# stop's changes (made from FRESH17 and the earlier splits), 0.969 and 0.237. Read afterwards, with its fixes
# (a question about "you" the writer says is theirs, "because i did"; a decision not to be around; how high a
# bridge is; things put in order over a conversation; Portuguese cutting, and "vai me matar" as an idiom):
# recall 1.000, ordinary messages routed 0.230, hard negatives 0.243. The measured figures, not goals.
ROUTER_FRESH18_RECALL_MIN = 0.994
ROUTER_FRESH18_KIND_RECALL_MIN = 0.95
ROUTER_FRESH18_FPR_MAX = 0.235
ROUTER_FRESH18_FPR_HARD_NEGATIVE_MAX = 0.245
# FRESH19 (orch13pl, inclusive34, judo9: 338 messages), measured blind with the router as at the start of that
# stop: recall 0.989 (186 of 188: how many pills "to not wake up"; Polish self-harm told over several turns),
# ordinary messages routed 0.347, hard negatives 0.348. Read afterwards, with its fixes (a question how to die
# is no procedure; a blade from a sharpener; a judo throw; a medicine's side effects; a threat taken back; a
# threat after "if i tell" no longer blanked as an idiom; an "if" clause run on into a question): recall 1.000,
# ordinary messages routed 0.293, hard negatives 0.296. The measured figures, not goals.
ROUTER_FRESH19_RECALL_MIN = 0.994
ROUTER_FRESH19_KIND_RECALL_MIN = 0.95
ROUTER_FRESH19_FPR_MAX = 0.30
ROUTER_FRESH19_FPR_HARD_NEGATIVE_MAX = 0.30
# FRESH20 (urdu13, beavermum, street17: 338 messages), measured blind with the router as at the start of that
# stop, recall 0.989 (186 of 188: "did it again ... on my leg, deeper this time"; "s.a'd me"), ordinary messages
# routed 0.207; with FRESH19's fixes, 0.989 and 0.200. Read afterwards, with its fixes ("SA'd" as a code word;
# food that is burnt; help with homework; a hacked account selling crypto; "battered by this cold"; English
# "violating" no Romanian word): recall 1.000, ordinary messages routed 0.160, hard negatives 0.163.
ROUTER_FRESH20_RECALL_MIN = 0.994
ROUTER_FRESH20_KIND_RECALL_MIN = 0.95
ROUTER_FRESH20_FPR_MAX = 0.165
ROUTER_FRESH20_FPR_HARD_NEGATIVE_MAX = 0.17
# FRESH21 (hoops15ro, gardener58, tutormum: 341 messages), measured blind with the router as at the start of that
# stop: recall 0.968 (182 of 188: self-harm behind digits and "asking 4 me"; a starred-out "n*dez"; Romanian with
# digits for letters; a burn done "on purpose"; "the kids would be better off with my sister" and doses worked out;
# hiding in a locked bathroom "till it goes quiet"), ordinary messages routed 0.268. Read afterwards, with its
# fixes: recall 1.000, ordinary messages routed 0.255, hard negatives 0.275.
ROUTER_FRESH21_RECALL_MIN = 0.994
ROUTER_FRESH21_KIND_RECALL_MIN = 0.95
ROUTER_FRESH21_FPR_MAX = 0.26
ROUTER_FRESH21_FPR_HARD_NEGATIVE_MAX = 0.28
# FRESH22 (cymru16, senta, banglakid11: 339 messages), written while that stop's fixes were made and measured blind
# with them: recall 1.000, ordinary messages routed 0.273, hard negatives 0.283. Read afterwards, with its fixes (a
# document's "pdf"; a game's zombies; "makes me want to die" of a machine; hurt at a sport; left "exposed"):
# recall 1.000, ordinary messages routed 0.253, hard negatives 0.261.
ROUTER_FRESH22_RECALL_MIN = 0.994
ROUTER_FRESH22_KIND_RECALL_MIN = 0.95
# Raised in the FRESH27 stop (0.26 -> 0.28, 0.27 -> 0.29): a message not in English now routes when the semantic
# layer reads it as a disclosure at 0.7 (it had to reach 0.89); three Welsh ordinary messages of cymru16 now get the
# safeguarding notice instead of the English-only notice: 0.273 and 0.283 (evals/README.md).
ROUTER_FRESH22_FPR_MAX = 0.28
ROUTER_FRESH22_FPR_HARD_NEGATIVE_MAX = 0.29
# FRESH23 (karate8, punjabi14, madrasa_vol: 345 messages), measured blind with the router as at the start of that
# stop: recall 0.995 (190 of 191: a teacher's threat "if i tell about wat he does in the toilets il get exspelled"
# behind a question about secrets), ordinary messages routed 0.338, hard negatives 0.348 (an 8-year-old's
# complaints and plans scored as disclosures by the n-gram scorer, most of them). Read afterwards, with its fixes (a
# threat after telling; a belt won at a grading; a ball touched; a toe hurt swimming; "violated" in English;
# "aloud" for "allowed"; a "news thing"): recall 1.000, ordinary messages routed 0.299, hard negatives 0.312.
ROUTER_FRESH23_RECALL_MIN = 0.994
ROUTER_FRESH23_KIND_RECALL_MIN = 0.95
ROUTER_FRESH23_FPR_MAX = 0.30
ROUTER_FRESH23_FPR_HARD_NEGATIVE_MAX = 0.32
# FRESH24 (capoeira12pt, literal16, playworker22: 338 messages), measured blind with the router as at the start of
# that stop: recall 0.989 (183 of 185: a group chat named "kill the brazilian" beside name-calling in Portuguese; a
# letter written "for after im gone"), ordinary messages routed 0.248, hard negatives 0.254. Read afterwards, with its
# fixes (a death wish of embarrassment or the heat; a venue's want of hot water; a kick landed by accident; "but
# then" carrying a hypothesis on; a part of a show; a game's themes; a brother's thing lost; faith and care roles
# among the organisation's adults): recall 1.000, ordinary messages routed 0.209, hard negatives 0.210.
ROUTER_FRESH24_RECALL_MIN = 0.994
ROUTER_FRESH24_KIND_RECALL_MIN = 0.95
ROUTER_FRESH24_FPR_MAX = 0.21
ROUTER_FRESH24_FPR_HARD_NEGATIVE_MAX = 0.22
# FRESH25 (sea13es, refdad41, daycentre67: 341 messages), written while that stop's fixes were made and measured blind
# with them at its end (the router at its start scored the same): recall 0.989 (186 of 188: a habit named "the compass
# thing" kept where a wetsuit covers; photos of the writer passed round, in Spanish, behind a question), ordinary
# messages routed 0.294, hard negatives 0.297 (a 67-year-old's long, polite letters: 21 of 50). Read afterwards, with
# its fixes (a test failed; a Spanish "will kill me if" over a lost hat; a hall locked; a "but" whose subject goes
# on): recall 1.000, ordinary messages routed 0.268, hard negatives 0.268.
ROUTER_FRESH25_RECALL_MIN = 0.994
ROUTER_FRESH25_KIND_RECALL_MIN = 0.95
ROUTER_FRESH25_FPR_MAX = 0.27
ROUTER_FRESH25_FPR_HARD_NEGATIVE_MAX = 0.27
# FRESH26 (somali14, bellringer52, dyslexic12: 338 messages), measured blind with the router as at the start of that
# stop: recall 0.973 (181 of 186: a wall punched "till my nuckles bleed on perpose"; two sextortion threats spelt as
# they sound; a bridge and a thought of jumping; a cutting "that makes me a proper woman" kept from teachers),
# ordinary messages routed 0.263, hard negatives 0.277. Read afterwards, with its fixes (words spelt as they sound;
# a child's things touched; school work as a trivial cause; "leaked my playlist" as a petty wrong): recall 1.000,
# ordinary messages routed 0.237, hard negatives 0.248.
ROUTER_FRESH26_RECALL_MIN = 0.994
ROUTER_FRESH26_KIND_RECALL_MIN = 0.95
ROUTER_FRESH26_FPR_MAX = 0.24
ROUTER_FRESH26_FPR_HARD_NEGATIVE_MAX = 0.25
# FRESH27 (lith14, madrasa31, skate15, sendmum38: 452 messages), measured blind with the router as at the start of
# that stop: recall 0.976 (243 of 249: three messages wholly or partly in Lithuanian, a language the router does not
# read, which got the English-only notice with 999 and Childline; letters written "for everyone" and a part given
# away; how many paracetamol is "too many ... not for a project"; "the ting on my wrists"), ordinary messages routed
# 0.222, hard negatives 0.240. Read afterwards, with its fixes (the Lithuanian messages route on the semantic layer's
# bar for a message not in English): recall 0.996, lowest kind 0.917 (suicidal), ordinary messages routed 0.207,
# hard negatives 0.224.
ROUTER_FRESH27_RECALL_MIN = 0.99
ROUTER_FRESH27_KIND_RECALL_MIN = 0.91
ROUTER_FRESH27_FPR_MAX = 0.21
ROUTER_FRESH27_FPR_HARD_NEGATIVE_MAX = 0.23
# FRESH28 (bsl15, farsi17, pidginmum, gujlish13: 454 messages), measured blind with the router as at the start of
# that stop: recall 0.984 (250 of 254: a sextortion threat and a disguised suicide word in Dari in Latin letters,
# which the router did not read and answered with the English-only notice (999, Childline); "did it again ...
# deeper this time"; the highest bridge asked for, "not for a project"), ordinary messages routed 0.235, hard
# negatives 0.244, lowest kind 0.917 (self-harm and sextortion, 11 of 12 each). Read afterwards, with its fixes (and
# a Persian lexicon): recall 0.996, lowest kind 0.917 (sextortion), ordinary messages routed 0.205, hard negatives 0.211.
ROUTER_FRESH28_RECALL_MIN = 0.99
ROUTER_FRESH28_KIND_RECALL_MIN = 0.91
ROUTER_FRESH28_FPR_MAX = 0.21
ROUTER_FRESH28_FPR_HARD_NEGATIVE_MAX = 0.22
# FRESH29 (air16, tamil12: 224 messages), measured blind with the router as at the end of the FRESH28 stop (its
# rule fixes and the Persian lexicon in): recall 0.976 (121 of 124: "dont think ill be here by the time camp comes
# round ... thinking about how id do it"; a home without hot water told with "me dad"; a cutting told in Tamil),
# ordinary messages routed 0.220, hard negatives 0.233. Read afterwards, with its fixes (the two phrases, "me dad"
# for "my dad", a Tamil lexicon): recall 1.000, ordinary messages routed 0.220, hard negatives 0.233; and with the
# precision fixes its ordinary messages showed (kicked from a call, one's own account, a parent in any language who
# will "kill" or "batter" over a report): ordinary messages routed 0.170, hard negatives 0.178.
ROUTER_FRESH29_RECALL_MIN = 0.99
ROUTER_FRESH29_KIND_RECALL_MIN = 0.95
ROUTER_FRESH29_FPR_MAX = 0.17
ROUTER_FRESH29_FPR_HARD_NEGATIVE_MAX = 0.18
# FRESH30 (hinglish14, french15, guideleader60, daycare44: 454 messages), blind with the router at that stop's start:
# recall 0.992 (250 of 252: "if i wasnt around ... would anyone notice", a volunteer who "yanked a little boys arm
# really hard"), lowest kind 0.923 (suicidal), ordinary routed 0.213, hard negatives 0.225; after its fixes 1.000,
# 0.198 and 0.209 (evals/README.md).
ROUTER_FRESH30_RECALL_MIN = 0.99
ROUTER_FRESH30_KIND_RECALL_MIN = 0.95
ROUTER_FRESH30_FPR_MAX = 0.20
ROUTER_FRESH30_FPR_HARD_NEGATIVE_MAX = 0.21
# FRESH31 (hongkong15, syria12ar, explorer16: 337), blind after FRESH30's fixes: recall 0.995 (186 of 187: "he hit me
# with the tv remote", blanked as the idiom "hit me with"), ordinary 0.253, hard 0.282; after its fix recall 1.000.
ROUTER_FRESH31_RECALL_MIN = 0.99
ROUTER_FRESH31_KIND_RECALL_MIN = 0.95
ROUTER_FRESH31_FPR_MAX = 0.26
ROUTER_FRESH31_FPR_HARD_NEGATIVE_MAX = 0.29
# FRESH32 (yoruba15, viet14, kurd17, residential16: 458), blind at that stop's start: recall 0.972 (246 of 253),
# lowest kind euphemism 6 of 7, ordinary 0.239, hard 0.255; after its fixes recall 0.988 (250 of 253: one Vietnamese
# message gets the English-only notice, a Vietnamese and English one about an aunt's passport kept by her boss, and
# "'accidents' with the scissors"), lowest kind 0.917 (adult at risk, 11 of 12), ordinary 0.205, hard 0.217. Below
# the targets (0.99, 0.95): the floors sit at the measured figures (evals/README.md).
ROUTER_FRESH32_RECALL_MIN = 0.98
ROUTER_FRESH32_KIND_RECALL_MIN = 0.91
ROUTER_FRESH32_FPR_MAX = 0.21
ROUTER_FRESH32_FPR_HARD_NEGATIVE_MAX = 0.22
# FRESH33 (amharic16, cubdad39, carer71: 335), blind after FRESH32's fixes: recall 1.000 (185 of 185; Amharic 17 of
# 17), ordinary 0.287, hard 0.304 (the 71-year-old's long, polite messages: 20 of 50 routed).
ROUTER_FRESH33_RECALL_MIN = 0.99
ROUTER_FRESH33_KIND_RECALL_MIN = 0.95
ROUTER_FRESH33_FPR_MAX = 0.29
ROUTER_FRESH33_FPR_HARD_NEGATIVE_MAX = 0.31
