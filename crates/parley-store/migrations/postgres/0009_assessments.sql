-- After the interview: each panel member's submitted scorecard (their notes are in
-- interview_entries), the panel's decision, the summary note for the candidate with its share
-- link, and every delivery of that note. Twin of migrations/sqlite/0009_assessments.sql.

CREATE TABLE scorecards (
    interview_id   TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL,
    recommendation TEXT NOT NULL CHECK (recommendation IN ('strong_no', 'no', 'yes', 'strong_yes')),
    rationale      TEXT NOT NULL,
    submitted_at   BIGINT NOT NULL,
    PRIMARY KEY (interview_id, user_id)
);

CREATE TABLE decisions (
    interview_id TEXT NOT NULL PRIMARY KEY REFERENCES interviews (id) ON DELETE CASCADE,
    decision     TEXT NOT NULL CHECK (decision IN ('strong_no', 'no', 'yes', 'strong_yes')),
    reasons      TEXT NOT NULL,
    decided_by   TEXT NOT NULL,
    decided_at   BIGINT NOT NULL
);

-- The note's share link is kept only as a SHA-256 hash, like every other secret.
CREATE TABLE candidate_notes (
    interview_id     TEXT NOT NULL PRIMARY KEY REFERENCES interviews (id) ON DELETE CASCADE,
    body             TEXT NOT NULL,
    revision         BIGINT NOT NULL,
    updated_by       TEXT NOT NULL,
    updated_at       BIGINT NOT NULL,
    share_hash       TEXT UNIQUE,
    share_expires_at BIGINT
);

-- One row per note revision and address: sending the same revision again is answered from
-- here instead of sending a second message.
CREATE TABLE note_deliveries (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    revision     BIGINT NOT NULL,
    address      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    detail       TEXT NOT NULL,
    attempted_at BIGINT NOT NULL,
    PRIMARY KEY (interview_id, revision, address)
);

-- Candidates erased on request or by the retention rule: their personal data is gone, the
-- row stays so that the anonymous statistics (ratings, decisions) still add up.
CREATE TABLE candidate_erasures (
    candidate_id TEXT NOT NULL PRIMARY KEY REFERENCES candidates (id),
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    erased_at    BIGINT NOT NULL
);
