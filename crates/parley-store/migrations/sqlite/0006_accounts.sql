-- Accounts: people, their sessions and API tokens, invitations, failed logins, and the replies
-- kept for Idempotency-Key. Mirrors migrations/postgres/0006_accounts.sql column for column.
-- Secrets (session ids, tokens, invitation codes) are stored only as SHA-256 hashes, so a copy
-- of the database opens no account; passwords as argon2id PHC strings.

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'interviewer', 'candidate')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    -- The same person may belong to two organisations with two accounts; within one, an
    -- address is one account.
    UNIQUE (org_id, email)
) STRICT;

CREATE INDEX users_email ON users (email);

CREATE TABLE sessions (
    id_hash      TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE invitations (
    id          TEXT NOT NULL PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    code_hash   TEXT NOT NULL UNIQUE,
    email       TEXT,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'interviewer', 'candidate')),
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    accepted_by TEXT,
    accepted_at INTEGER
) STRICT;

CREATE INDEX invitations_org ON invitations (org_id, created_at);

-- One row per failed login, keyed by the address tried (whether or not it exists), pruned as
-- they age out of the window.
CREATE TABLE login_failures (
    login_key TEXT NOT NULL,
    failed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX login_failures_key ON login_failures (login_key, failed_at);

CREATE TABLE idempotent_replies (
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, idem_key)
) STRICT;

-- Setup happens once per database: the single row makes a second, racing setup fail.
CREATE TABLE instance_setup (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    done_at  INTEGER NOT NULL,
    org_id   TEXT NOT NULL REFERENCES orgs (id)
) STRICT;
