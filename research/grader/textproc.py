"""Deterministic text processing for the grader prototype (to be ported to Rust 1:1).

Everything here is plain string code: regexes, a fixed stop-word list, Snowball English stemmer.
"""
import re
import snowballstemmer

_STEM = snowballstemmer.stemmer("english")

# Fixed English stop-word list (port verbatim). Deliberately small and closed-class only.
STOP_EN = set("""
a an the and or but if then else when while of at by for with about against between into through
during before after above below to from up down in out on off over under again further once here
there all any both each few more most other some such no nor not only own same so than too very
can will just should would could might must shall may do does did doing done be is are was were been
being am have has had having it its it's itself this that these those i me my we our you your he him
his she her they them their what which who whom whose where why how as also i.e e.g etc
there's theres s t don isn aren wasn weren doesn didn won wouldn shouldn couldn cannot
don't doesn't isn't aren't wasn't weren't can't won't wouldn't shouldn't couldn't didn't haven't hasn't
hadn't it's that's let's i'm you're we're they're
""".split())

# Tiny Polish stop list (only used for the language flag).
STOP_PL = set("""
i w z na nie się że to jest do o a od po za jak ale co czy tak być są ten ta te tego tej przez dla
oraz jego jej ich już może tylko gdy który która które którzy ze jako lub bo tym tych go mu
""".split())

_TOKEN_RE = re.compile(r"[0-9a-ząćęłńóśźżäöüßéèàç]+(?:'[a-z]+)?|\+\+", re.IGNORECASE)


def tokens(text):
    """Lower-cased word tokens (letters/digits, incl. Polish diacritics; '++' kept as its own token)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return [t.lower() for t in _TOKEN_RE.findall(text)]


def stem(tok):
    return _STEM.stemWord(tok)


def content_stems(text):
    """Stemmed content words: tokens minus stop words, minus 1-char non-digit tokens."""
    out = []
    for t in tokens(text):
        if t in STOP_EN:
            continue
        if len(t) < 2 and not t.isdigit():
            continue
        out.append(stem(t))
    return out


# ---------------- sentence splitting ----------------
_ABBREV = {"i.e.", "e.g.", "etc.", "vs.", "mr.", "dr.", "ie.", "eg."}


def split_sentences(text):
    """Split at [.!?;] followed by whitespace, and at newlines. Abbreviations i.e./e.g./etc. do not split.
    Empty pieces and pieces without a letter/digit are dropped."""
    text = text.replace("\r", "\n")
    out = []
    for para in text.split("\n"):
        cur = []
        words = para.split()
        for i, w in enumerate(words):
            cur.append(w)
            if w.lower() in _ABBREV:
                continue
            if w.endswith((".", "!", "?", ";")) and i + 1 < len(words):
                out.append(" ".join(cur))
                cur = []
        if cur:
            out.append(" ".join(cur))
    return [s.strip() for s in out if re.search(r"[0-9A-Za-z]", s)]


# ---------------- key-point extraction ----------------
# candidate split points inside a sentence (separator text is kept so merged pieces read naturally)
_SPLIT_RE = re.compile(r"(;|,?\s+whereas\s+|,\s*but\s+|,?\s+and\s+|,?\s+or\s+|,\s+)", re.IGNORECASE)
_PAREN_RE = re.compile(r"\([^)]*\)")
# closed list of finite-verb markers: a piece without one is not an independent clause
VERB_MARKERS = set("""is are was were be been being am isn't aren't has have had do does did don't doesn't
can cannot could will won't would shall should may might must need needs makes make made""".split())
SUBORDINATORS = set("if when whenever because although though since unless while after before once".split())


def _has_verb(piece):
    return any(t in VERB_MARKERS for t in tokens(piece))


def key_points(reference, min_content=2):
    """Rule-based atomic claims from a reference answer.
    1. split into sentences (split_sentences); every sentence is at least one key point;
    2. inside a sentence, candidate split points are ';', ', but', 'whereas', '(,) and', '(,) or', ',';
    3. walk the pieces left to right and start a new key point at a split point only if
       - the key point collected so far contains a verb marker, has >= min_content content words, and is
         not a lone subordinate clause ("If no constructor is provided" waits for its main clause), and
       - the next piece contains a verb marker and >= min_content content words;
       ';' always splits when both sides have >= min_content content words.
    So "Abstraction and reusability" / "The name of the function and the types of the parameters" stay
    whole (no verbs), "Constructors do not have return type, but functions have to indicate a return type"
    becomes two."""
    kps = []
    for s in split_sentences(reference):
        s = s.strip().rstrip(".;").strip()
        parts = _SPLIT_RE.split(s)          # [piece, sep, piece, sep, piece ...]
        pieces, seps = parts[0::2], parts[1::2]
        cur = pieces[0]
        cur_pieces = 1
        for sep, nxt in zip(seps, pieces[1:]):
            nc = len(content_stems(_PAREN_RE.sub(" ", nxt)))
            cc = len(content_stems(_PAREN_RE.sub(" ", cur)))
            toks = tokens(cur)
            lone_sub = cur_pieces == 1 and toks and toks[0] in SUBORDINATORS
            if sep.strip() == ";":
                ok = cc >= min_content and nc >= min_content
            else:
                ok = (cc >= min_content and nc >= min_content and _has_verb(cur) and _has_verb(nxt)
                      and not lone_sub)
            if ok:
                kps.append(cur.strip())
                cur, cur_pieces = nxt, 1
            else:
                cur, cur_pieces = cur + sep + nxt, cur_pieces + 1
        if cur.strip():
            kps.append(cur.strip())
    return kps or [reference.strip()]
