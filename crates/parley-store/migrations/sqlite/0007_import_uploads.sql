-- Files uploaded through the web for an import, kept between the preview (a dry run) and the
-- confirmation, so the confirmed import is exactly what was previewed, whichever node serves
-- the confirmation. Mirrors migrations/postgres/0007_import_uploads.sql.
CREATE TABLE import_uploads (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE import_upload_files (
    upload_id TEXT NOT NULL REFERENCES import_uploads (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    content   BLOB NOT NULL,
    PRIMARY KEY (upload_id, position)
) STRICT;
