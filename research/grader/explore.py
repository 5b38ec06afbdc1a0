"""Measurements behind the flag thresholds and the confidence rule (python3 proto.py --explore)."""
import numpy as np
from textproc import content_stems, split_sentences, key_points
import flags as fl


def pct(v, ps=(1, 5, 10, 25, 50)):
    return " ".join(f"p{p}={np.percentile(v, p):.3f}" for p in ps)


def run(G, emb, M, S, XM, yM, XS, yS):
    P = G  # proto namespace
    FI = P["FI"]
    print("=" * 100)
    print("FLAG MEASUREMENTS")
    # ---- off-topic: real pairs vs answers paired with another question's (Q, R)
    def offcos(a, q, refs):
        eA = emb(a)
        return max(max(float(eA @ emb(r)) for r in refs), float(eA @ emb(q)))
    rng = np.random.RandomState(0)
    real_m = np.array([offcos(r["student_answer"], r["question"], r["refs"]) for r in M])
    real_s = np.array([offcos(r["student_answer"], r["question"], r["refs"]) for r in S])
    qM = sorted({r["question_id"] for r in M}); QM = {r["question_id"]: r for r in M}
    mis_mm = []   # Mohler answer vs another Mohler question (same course: 'near' off-topic)
    for r in M:
        o = QM[qM[rng.randint(len(qM))]]
        while o["question_id"] == r["question_id"]:
            o = QM[qM[rng.randint(len(qM))]]
        mis_mm.append(offcos(r["student_answer"], o["question"], o["refs"]))
    QS = {}
    for r in S:
        QS.setdefault(r["dataset"] + r["question_id"], r)
    keys = sorted(QS)
    mis_ss_same, mis_x = [], []
    for i, r in enumerate(S[::3]):
        o = QS[keys[rng.randint(len(keys))]]
        if o["question_id"] == r["question_id"]:
            continue
        (mis_ss_same if o["dataset"] == r["dataset"] else mis_x).append(
            offcos(r["student_answer"], o["question"], o["refs"]))
    mis_ms = [offcos(r["student_answer"], S[j]["question"], S[j]["refs"])
              for r, j in zip(M, rng.randint(0, len(S), len(M)))]
    print(" off-topic score = max(cos(A,R_i), cos(A,Q))")
    print("  real mohler          ", pct(real_m))
    print("  real semeval         ", pct(real_s))
    print("  mohler->other mohler Q", pct(mis_mm, (50, 75, 90, 95, 99)))
    print("  semeval->same-ds other Q", pct(mis_ss_same, (50, 75, 90, 95, 99)))
    print("  semeval->other dataset Q", pct(mis_x, (50, 75, 90, 95, 99)))
    print("  mohler->semeval Q    ", pct(mis_ms, (50, 75, 90, 95, 99)))
    for t in (0.78, 0.80, 0.82, 0.84):
        print(f"  t={t}: real flagged mohler {np.mean(real_m < t):.3f} semeval {np.mean(real_s < t):.3f} | "
              f"mismatched caught: near(mohler) {np.mean(np.array(mis_mm) < t):.3f} "
              f"same-ds {np.mean(np.array(mis_ss_same) < t):.3f} cross-ds {np.mean(np.array(mis_x) < t):.3f} "
              f"mohler->semeval {np.mean(np.array(mis_ms) < t):.3f}")
    lowS = real_s < fl.T["offtopic_max_cos"]
    print(f"  semeval real answers below threshold: n={lowS.sum()} P(correct)={yS[lowS].mean() if lowS.any() else 0:.2f}"
          f" (all: {yS.mean():.2f});",
          "examples:", [S[i]["student_answer"][:60] for i in np.where(lowS)[0][:5]])
    lowM = real_m < fl.T["offtopic_max_cos"]
    print(f"  mohler real answers below threshold: n={lowM.sum()} mean gold={yM[lowM].mean() if lowM.any() else 0:.2f}")

    # ---- restates the question
    print(" restates question: |C(A)-C(Q)| new content words, novelty = new/|C(A)|")
    for name, rows, y in (("mohler", M, yM), ("semeval", S, yS)):
        new = np.array([len(set(content_stems(r["student_answer"])) - set(content_stems(r["question"]))) for r in rows])
        nov = XM[:, FI["novelty"]] if name == "mohler" else XS[:, FI["novelty"]]
        X = XM if name == "mohler" else XS
        closerQ = X[:, FI["sem_q"]] >= X[:, FI["sem_ref"]]
        for k in (0, 1, 2):
            s = new <= k
            print(f"  {name}: new<= {k}: n={s.sum():4d} mean gold={y[s].mean() if s.any() else float('nan'):.2f}"
                  f" | with cos(A,Q)>=cos(A,R): n={(s & closerQ).sum()} gold={y[s & closerQ].mean() if (s & closerQ).any() else float('nan'):.2f}")
        s = (nov < fl.T["restate_max_novelty"]) & closerQ
        print(f"  {name}: novelty<{fl.T['restate_max_novelty']} & cos(A,Q)>=cos(A,R): n={s.sum()} gold={y[s].mean() if s.any() else float('nan'):.2f}"
              f"  (overall gold mean {y.mean():.2f})")
    # synthetic: answer == question
    fq = [P["features"](emb, r["question"], r["refs"], r["question"]) for r in [QM[q] for q in qM]]
    print("  synthetic answer=question (mohler): novelty", np.mean([f["novelty"] for f in fq]),
          "sem_q-sem_ref mean %.3f" % np.mean([f["sem_q"] - f["sem_ref"] for f in fq]))

    # ---- far too short
    print(" far too short: |C(A)| and |C(A)|/|C(R)|")
    for name, rows, y in (("mohler", M, yM), ("semeval", S, yS)):
        ca = np.array([len(set(content_stems(r["student_answer"]))) for r in rows])
        cr = np.array([max(len(set(content_stems(x))) for x in r["refs"]) for r in rows])
        for k in (0, 1, 2, 3):
            s = ca <= k
            s2 = s & (ca < fl.T["short_max_ratio"] * cr)
            print(f"  {name}: |C(A)|<={k}: n={s.sum():4d} gold={y[s].mean() if s.any() else float('nan'):.2f}"
                  f" | and ratio<{fl.T['short_max_ratio']}: n={s2.sum():4d} gold={y[s2].mean() if s2.any() else float('nan'):.2f}")

    # ---- contradiction (negation mismatch with the best-matching unit of a key point)
    print(" contradicts key point: best unit for a KP has cos>=t and negation parity differs")
    for t in (0.85, 0.88, 0.90, 0.92):
        mism, match = [], []
        for r, y in zip(S, yS):
            a = r["student_answer"]
            units = [u for u in split_sentences(a) if u != a] + [a]
            U = emb.many(units)
            hit = None
            for ref in r["refs"]:
                for k in key_points(ref):
                    c = U @ emb(k)
                    j = int(np.argmax(c))
                    if c[j] >= t:
                        m = fl.negation_parity(units[j]) != fl.negation_parity(k)
                        hit = m if hit is None else (hit and m)   # contradiction only if EVERY close KP mismatches
            if hit is True:
                mism.append(y)
            elif hit is False:
                match.append(y)
        print(f"  semeval t={t}: mismatch n={len(mism)} P(correct)={np.mean(mism) if mism else float('nan'):.2f}"
              f" | match n={len(match)} P(correct)={np.mean(match) if match else float('nan'):.2f}")

    # ---- confidence
    print("=" * 100)
    print("CONFIDENCE (Mohler LOQO predictions)")
    folds = P["folds_by_question"](M, None)
    Model, cvp = P["Model"], P["cv_predict"]
    pm = cvp(XM, yM, folds, lambda: Model(P["FINAL"], "logit", 1.0))
    psem = cvp(XM, yM, folds, lambda: Model([FI["sem_kp"], FI["sem_q"]], "logit", 1.0))
    plex = cvp(XM, yM, folds, lambda: Model([FI["lex_kp"], FI["lex_prec"]], "logit", 1.0))
    err = np.abs(pm - yM)
    dis = np.abs(psem - plex)
    edge = np.minimum(pm, 5 - pm)           # distance to the scale ends
    print(f"  corr(|err|, |sem-lex| disagreement) = {P['pearson'](err, dis):.3f}")
    print(f"  corr(|err|, distance to scale ends) = {P['pearson'](err, edge):.3f}")
    print(f"  corr(|err|, 5-pred) = {P['pearson'](err, 5 - pm):.3f}")
    # expected-error model: |err| ~ c0 + c1*dis + c2*(5-pred)
    X = np.column_stack([dis, 5 - pm])
    w, b = P["ridge"](X, err, 0.0)
    ee = X @ w + b
    print(f"  |err| ~ {b:.3f} + {w[0]:.3f}*|sem-lex| + {w[1]:.3f}*(5-pred)   corr(ee,|err|)={P['pearson'](ee, err):.3f}")
    q = np.quantile(ee, [0, 1 / 3, 2 / 3, 1])
    for i in range(3):
        s = (ee >= q[i]) & (ee <= q[i + 1])
        print(f"   tercile {i}: expected {ee[s].mean():.2f}  observed MAE {err[s].mean():.2f}  n={s.sum()}")
    G["_conf"] = dict(intercept=float(b), w_disagreement=float(w[0]), w_headroom=float(w[1]))
    # semeval: accuracy by distance from threshold (prob of Mohler model transfer)
    print("  SemEval: accuracy by |logit| of a fold-fitted logistic (model features)")
    ds = np.array([r["dataset"] for r in S])
    for name in ("sciEntsBank", "beetle"):
        sel = ds == name
        rows = [r for r, s_ in zip(S, sel) if s_]
        f5 = P["folds_by_question"](rows, 5)
        X, y = XS[sel], yS[sel]
        z = np.zeros(len(y))
        for f in range(5):
            tr, te = f5 != f, f5 == f
            z[te] = Model(P["FINAL"], "logit", 1.0, scale=1.0).fit(X[tr], y[tr]).raw(X[te])
        az = np.abs(z)
        for lo, hi in ((0, 0.5), (0.5, 1.0), (1.0, 2.0), (2.0, 99)):
            s = (az >= lo) & (az < hi)
            print(f"   {name:<12} |logit| in [{lo},{hi}): n={s.sum():4d} acc={((z[s] > 0) == (y[s] > 0.5)).mean():.3f}")
