-- Files uploaded through the web between an import's preview and its confirmation; see the
-- SQLite twin.
CREATE TABLE import_uploads (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

CREATE TABLE import_upload_files (
    upload_id TEXT NOT NULL REFERENCES import_uploads (id) ON DELETE CASCADE,
    position  BIGINT NOT NULL,
    name      TEXT NOT NULL,
    content   BYTEA NOT NULL,
    PRIMARY KEY (upload_id, position)
);
