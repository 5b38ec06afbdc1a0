-- Practice mode: each member's settings, one FSRS card per member and question, every
-- written answer with its grade and rating, and mock interviews. Rows belong to the member's
-- account and go with it. Questions are referenced without a foreign key (like interview
-- entries): deleting a question from the bank leaves the history of answers to it.
-- Mirrors migrations/postgres/0010_practice.sql.

CREATE TABLE practice_settings (
    user_id    TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE practice_cards (
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_id    TEXT NOT NULL,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    stability      REAL NOT NULL,
    difficulty     REAL NOT NULL,
    due_at         INTEGER NOT NULL,
    last_review_at INTEGER NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    last_rating    TEXT NOT NULL CHECK (last_rating IN ('again', 'hard', 'good', 'easy')),
    last_score     REAL,
    PRIMARY KEY (user_id, question_id)
) STRICT;

CREATE TABLE practice_mocks (
    id          TEXT NOT NULL PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    plan        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    deadline_at INTEGER NOT NULL,
    finished_at INTEGER,
    report      TEXT
) STRICT;

CREATE INDEX practice_mocks_user ON practice_mocks (user_id, started_at);

-- A practice answer is graded when written and rated once afterwards (rating, card); a mock
-- answer may be rewritten until the mock is finished and is rated with it.
CREATE TABLE practice_attempts (
    id            TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    question_id   TEXT NOT NULL,
    mock_id       TEXT REFERENCES practice_mocks (id) ON DELETE CASCADE,
    section       TEXT,
    question_text TEXT NOT NULL,
    answer        TEXT NOT NULL,
    grade         TEXT,
    score         REAL,
    suggested     TEXT CHECK (suggested IN ('again', 'hard', 'good', 'easy')),
    rating        TEXT CHECK (rating IN ('again', 'hard', 'good', 'easy')),
    card          TEXT,
    first_time    INTEGER NOT NULL,
    answered_at   INTEGER NOT NULL,
    rated_at      INTEGER
) STRICT;

CREATE INDEX practice_attempts_user ON practice_attempts (user_id, answered_at);
CREATE UNIQUE INDEX practice_attempts_mock ON practice_attempts (mock_id, question_id)
    WHERE mock_id IS NOT NULL;
