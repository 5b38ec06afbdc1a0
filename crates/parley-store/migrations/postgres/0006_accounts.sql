-- Accounts, sessions, API tokens, invitations, failed logins and idempotent replies; see the
-- SQLite twin (migrations/sqlite/0006_accounts.sql) for why each table looks as it does.

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'interviewer', 'candidate')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    -- The same person may belong to two organisations with two accounts; within one, an
    -- address is one account.
    UNIQUE (org_id, email)
);

CREATE INDEX users_email ON users (email);

CREATE TABLE sessions (
    id_hash      TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE invitations (
    id          TEXT NOT NULL PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    code_hash   TEXT NOT NULL UNIQUE,
    email       TEXT,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'interviewer', 'candidate')),
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_by TEXT,
    accepted_at BIGINT
);

CREATE INDEX invitations_org ON invitations (org_id, created_at);

-- One row per failed login, keyed by the address tried (whether or not it exists), pruned as
-- they age out of the window.
CREATE TABLE login_failures (
    login_key TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);

CREATE INDEX login_failures_key ON login_failures (login_key, failed_at);

CREATE TABLE idempotent_replies (
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- Setup happens once per database: the single row makes a second, racing setup fail.
CREATE TABLE instance_setup (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    done_at  BIGINT NOT NULL,
    org_id   TEXT NOT NULL REFERENCES orgs (id)
);
