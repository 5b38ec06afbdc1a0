-- Practice mode: each member's settings, one FSRS card per member and question, every
-- written answer with its grade and rating, and mock interviews. Rows belong to the member's
-- account and go with it. Questions are referenced without a foreign key (like interview
-- entries): deleting a question from the bank leaves the history of answers to it.
-- Twin of migrations/sqlite/0010_practice.sql.

CREATE TABLE practice_settings (
    user_id    TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE practice_cards (
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    question_id    TEXT NOT NULL,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    stability      DOUBLE PRECISION NOT NULL,
    difficulty     DOUBLE PRECISION NOT NULL,
    due_at         BIGINT NOT NULL,
    last_review_at BIGINT NOT NULL,
    reps           BIGINT NOT NULL,
    lapses         BIGINT NOT NULL,
    last_rating    TEXT NOT NULL CHECK (last_rating IN ('again', 'hard', 'good', 'easy')),
    last_score     DOUBLE PRECISION,
    PRIMARY KEY (user_id, question_id)
);

CREATE TABLE practice_mocks (
    id          TEXT NOT NULL PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    plan        TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    deadline_at BIGINT NOT NULL,
    finished_at BIGINT,
    report      TEXT
);

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
    score         DOUBLE PRECISION,
    suggested     TEXT CHECK (suggested IN ('again', 'hard', 'good', 'easy')),
    rating        TEXT CHECK (rating IN ('again', 'hard', 'good', 'easy')),
    card          TEXT,
    first_time    BIGINT NOT NULL,
    answered_at   BIGINT NOT NULL,
    rated_at      BIGINT
);

CREATE INDEX practice_attempts_user ON practice_attempts (user_id, answered_at);
CREATE UNIQUE INDEX practice_attempts_mock ON practice_attempts (mock_id, question_id)
    WHERE mock_id IS NOT NULL;
