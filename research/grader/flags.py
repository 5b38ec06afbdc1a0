"""Flag rules (deterministic). Thresholds measured in explore.py (see report); keep in calibration.json."""
import re
from textproc import tokens, content_stems, STOP_EN, STOP_PL

T = {
    # off-topic: max(cos(A,R_i), cos(A,Q)) below this AND no content word shared with Q or any R_i
    "offtopic_max_cos": 0.82,
    "offtopic_max_overlap": 0,
    # restates question: no new content word (C(A)-C(Q) empty, C(A) non-empty), or
    # novelty below restate_max_novelty with cos(A,Q) - cos(A,R) >= restate_min_q_margin
    "restate_max_novelty": 0.25,
    "restate_min_q_margin": 0.03,
    # far too short: content words <= short_max_words AND < short_max_ratio * content words of the reference
    "short_max_words": 1,
    "short_max_ratio": 0.34,
    # different language: see detect_lang (>= min_tokens tokens, function-word profile)
    "lang_min_tokens": 4,
    "lang_en_min_stop": 0.08,
    # contradiction: best answer unit for a key point has cos >= this and negation parity differs
    "contradict_min_cos": 0.90,
}

NEGATIONS = {"not", "no", "never", "none", "nothing", "cannot", "neither", "nor", "without",
             "nie", "nigdy", "żaden", "brak"}
_NT_RE = re.compile(r"n't\b|n’t\b", re.I)


def negation_parity(text):
    toks = tokens(text)
    n = sum(t in NEGATIONS or t.endswith("n't") for t in toks)
    return n % 2


def is_empty(answer):
    return len(tokens(answer)) == 0


EN_ONLY = STOP_EN - STOP_PL
OTHER_STOP = {   # exclusive function words of a few other languages (Polish comes from textproc.STOP_PL)
    "pl": STOP_PL - STOP_EN,
    "de": set("der die das und ist ein eine nicht mit von zu den dem des sich auf für wird sind auch".split()),
    "fr": set("le la les et est un une des du pas avec pour dans sur que qui ce sont être".split()),
    "es": set("el la los las y es un una del con para por que se su lo como pero está son".split()),
}
for _k in OTHER_STOP:
    OTHER_STOP[_k] -= STOP_EN


def detect_lang(text):
    """'en' | 'pl' | 'de' | 'fr' | 'es' | 'other' | None (undecided). Function-word profile:
    a language wins with >= 2 hits and more hits than English-only stop words; non-Latin script -> 'other';
    >= lang_min_tokens tokens with an English-only stop-word share >= lang_en_min_stop -> 'en'."""
    toks = tokens(text)
    letters = [c for c in text if c.isalpha()]
    if letters and sum(ord(c) > 0x24F for c in letters) / len(letters) >= 0.3:
        return "other"                     # Cyrillic, Greek, CJK, ...
    if len(toks) < T["lang_min_tokens"]:
        return None
    en = sum(t in EN_ONLY for t in toks)
    best, hits = None, 0
    for lang, sw in OTHER_STOP.items():
        h = sum(t in sw for t in toks)
        if h > hits:
            best, hits = lang, h
    if hits >= 2 and hits > en:
        return best
    if en / len(toks) >= T["lang_en_min_stop"]:
        return "en"
    return None


def language_flag(answer, reference):
    la, lr = detect_lang(answer), detect_lang(reference)
    lr = lr or "en"      # short references: assume the course language (configurable)
    return la is not None and la != lr


def thresholds_for_artifact():
    return {"flags": dict(T), "negations": sorted(NEGATIONS)}


def flag_rules(f, q, refs, a):
    """f: feature dict from proto.features(); returns list of flag names (contradiction handled per key point)."""
    out = []
    CA = set(content_stems(a))
    CQ = set(content_stems(q))
    if is_empty(a) or not CA:
        return ["empty"]
    if language_flag(a, refs[0]):
        out.append("different_language")
    V = CQ.union(*[set(content_stems(r)) for r in refs])
    if max(f["sem_ref"], f["sem_q"]) < T["offtopic_max_cos"] and len(CA & V) <= T["offtopic_max_overlap"]:
        out.append("off_topic")
    if not (CA - CQ) or (f["novelty"] < T["restate_max_novelty"] and f["sem_q"] - f["sem_ref"] >= T["restate_min_q_margin"]):
        out.append("restates_question")
    cr = max(len(set(content_stems(r))) for r in refs)
    if len(CA) <= T["short_max_words"] and len(CA) < T["short_max_ratio"] * cr:
        out.append("far_too_short")
    return out
