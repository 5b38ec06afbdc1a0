-- Near-duplicate suggestions and the user's decisions on them. A pair is stored once, with
-- question_a < question_b (as text), so "A like B" and "B like A" are the same row. A decided
-- pair (merged, not_duplicate) stays decided: it is never suggested again.
CREATE TABLE duplicate_pairs (
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    question_a TEXT NOT NULL,
    question_b TEXT NOT NULL,
    score      REAL NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'merged', 'not_duplicate')),
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by TEXT,
    PRIMARY KEY (org_id, question_a, question_b)
) STRICT;

-- What a near-duplicate merge removed: the merged-away question's last content and its whole
-- revision history, kept under the question it was merged into.
CREATE TABLE merged_questions (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    merged_id   TEXT NOT NULL,
    content     TEXT NOT NULL,
    revisions   TEXT NOT NULL,
    merged_at   INTEGER NOT NULL,
    merged_by   TEXT NOT NULL,
    PRIMARY KEY (question_id, merged_id)
) STRICT;
