-- Sentence embeddings of questions, one per question and model, tagged with the revision they
-- were computed from: a newer revision makes the stored vector stale, and a different model
-- never mixes with it. Vectors are little-endian f32, `dim` of them.
CREATE TABLE question_embeddings (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    model       TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    dim         INTEGER NOT NULL,
    vector      BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (question_id, model)
) STRICT;
