"""sentence-transformers on the same weights, by the same protocol as embed.rs.

Usage: python3 st_bench.py MODEL_FILE TEXTS_FILE RUNS BATCH  ->  "SENTENCES_PER_S P50_MS MIN_COS"
where MIN_COS is the lowest cosine between these vectors and the ones in TEXTS_FILE.vec (written
by embed.rs: ours, one line of floats per text).

No registry ships multilingual-e5-small for sentence-transformers, so this builds one from
e5-small-q4.bin: the 4-bit weights dequantised to fp32 in a BertModel (the architecture of
multilingual-e5-small), mean pooling and normalisation, and a fast tokenizer made from the
file's unigram vocabulary. That tokenizer normalises with NFKC instead of SentencePiece's exact
table, which only matters for unusual characters. Needs sentence-transformers (with torch).
"""
import json
import os
import statistics
import struct
import sys
import tempfile
import time

import numpy as np


def read_model(path):
    b = open(path, "rb").read()
    assert b[:4] == b"E5S1"
    p = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, types = struct.unpack_from("<7i", b, p)
    p += 28
    (eps,) = struct.unpack_from("<f", b, p)
    p += 8
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, p)
    p += 20
    (blob_len,) = struct.unpack_from("<Q", b, p)
    p += 8
    offs = np.frombuffer(b, "<u4", n + 1, p)
    p += 4 * (n + 1)
    scores = np.frombuffer(b, "<f4", n, p)
    p += 4 * n
    blob = b[p:p + blob_len]
    p += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    _, norm_len = struct.unpack_from("<iI", b, p)
    p += 8 + norm_len
    (ndir,) = struct.unpack_from("<i", b, p)
    p += 4
    tensors = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", b, p)
        p += 2
        name = b[p:p + name_len].decode()
        p += name_len
        dtype = b[p]
        elements, off, nbytes = struct.unpack_from("<IQQ", b, p + 1)
        p += 21
        raw = np.frombuffer(b, np.uint8, nbytes, off)
        if dtype == 0:
            tensors[name] = raw.view("<f4").copy()
        else:
            blocks = raw.reshape(-1, 18)
            d = blocks[:, :2].copy().view("<f2").astype(np.float32)
            q = blocks[:, 2:]
            w = np.concatenate([(q & 15), (q >> 4)], axis=1).astype(np.float32) - 8.0
            tensors[name] = (w * d).reshape(-1)
    config = dict(hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab_rows=vocab_rows,
                  max_pos=max_pos, types=types, eps=eps)
    specials = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return config, pieces, scores, specials, tensors


def build(model_file, out):
    import torch
    from safetensors.torch import save_file
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    c, pieces, scores, sp, t = read_model(model_file)
    h = c["hidden"]
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    for l in range(c["layers"]):
        pre = "encoder.layer.%d." % l
        for ours, theirs in names.items():
            w = t["l%d.%s.w" % (l, ours)]
            state[pre + theirs + ".weight"] = w.reshape(-1, w.size // t["l%d.%s.b" % (l, ours)].size)
            state[pre + theirs + ".bias"] = t["l%d.%s.b" % (l, ours)]
        for ours, theirs in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[pre + theirs + ".weight"] = t["l%d.%s.w" % (l, ours)]
            state[pre + theirs + ".bias"] = t["l%d.%s.b" % (l, ours)]
    os.makedirs(out, exist_ok=True)
    save_file({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()},
              os.path.join(out, "model.safetensors"))
    config = {"architectures": ["BertModel"], "model_type": "bert", "hidden_size": h,
              "num_hidden_layers": c["layers"], "num_attention_heads": c["heads"],
              "intermediate_size": c["ffn"], "vocab_size": c["vocab_rows"],
              "max_position_embeddings": c["max_pos"], "type_vocab_size": c["types"],
              "layer_norm_eps": c["eps"], "hidden_act": "gelu", "pad_token_id": sp["pad"]}
    json.dump(config, open(os.path.join(out, "config.json"), "w"))

    vocab = [(p, float(s)) for p, s in zip(pieces, scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", sp["bos"]), ("</s>", sp["eos"])])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>", pad_token="<pad>", model_max_length=512)
    fast.save_pretrained(out)


def main():
    model_file, texts_file, runs, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    from sentence_transformers import SentenceTransformer, models as st_models

    with open(texts_file, encoding="utf-8") as f:
        texts = f.read().split("\n")
    texts = ["query: " + t for t in texts]
    with tempfile.TemporaryDirectory() as out:
        build(model_file, out)
        word = st_models.Transformer(out, max_seq_length=512)
        pool = st_models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        model = SentenceTransformer(modules=[word, pool, st_models.Normalize()], device="cpu")
        model.encode(texts[:batch], batch_size=batch)  # warm-up
        rates = []
        for _ in range(runs):
            start = time.perf_counter()
            for i in range(0, len(texts), batch):
                model.encode(texts[i:i + batch], batch_size=batch)
            rates.append(len(texts) / (time.perf_counter() - start))
        p50s = []
        for _ in range(runs):
            times = []
            for t in texts:
                start = time.perf_counter()
                model.encode([t], batch_size=1)
                times.append((time.perf_counter() - start) * 1e3)
            p50s.append(statistics.median(times))
        vecs = model.encode(texts, batch_size=batch, normalize_embeddings=True)
    ours = np.loadtxt(texts_file + ".vec", dtype=np.float32, ndmin=2)
    min_cos = float(np.min(np.sum(vecs * ours, axis=1)))
    print(statistics.median(rates), statistics.median(p50s), min_cos)


if __name__ == "__main__":
    main()
