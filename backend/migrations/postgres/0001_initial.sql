-- Coffer's PostgreSQL schema, version 1 (docs/scaling.md, "What PostgreSQL holds").
-- The same data as the redb file (backend/src/store/redb/schema.rs), table for table: records
-- the server only stores and hands back keep redb's encodings (JSON, as bytea) so that
-- `coffer-server migrate` copies them unchanged; what a query selects, orders or counts on is a
-- column. Times are Unix seconds (bigint); hashes are 32 bytes (bytea).

-- Shares. A claim locks the row, checks and counts in one transaction.
CREATE TABLE shares (
    id text PRIMARY KEY,
    header bytea NOT NULL,
    -- Ciphertext does not compress: stored as it is, out of line when large, so counting a
    -- view rewrites only the small row.
    envelope bytea NOT NULL,
    access_hash bytea NOT NULL,
    status_hash bytea NOT NULL,
    manage_hash bytea NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    max_views integer NOT NULL,
    views_used integer NOT NULL,
    max_wrong_claims integer NOT NULL,
    wrong_claims integer NOT NULL,
    owner text,
    read_receipt boolean NOT NULL
);
ALTER TABLE shares ALTER COLUMN envelope SET STORAGE EXTERNAL;
CREATE INDEX shares_expiry ON shares (expires_at);

-- What "My shares" shows, kept after a share is gone so its end can be told.
CREATE TABLE owned_shares (
    owner text NOT NULL,
    share text NOT NULL,
    summary bytea NOT NULL,
    PRIMARY KEY (owner, share)
);

-- Accounts (docs/accounts.md, "What the server stores").
CREATE TABLE accounts (
    id text PRIMARY KEY,
    email text NOT NULL UNIQUE,
    record bytea NOT NULL,
    -- The record's `last_digest_at`, or its `created_at` before the first digest: a digest is
    -- due a period after it.
    digest_from bigint NOT NULL
);
CREATE INDEX accounts_digest ON accounts (digest_from);

-- Codes, wrong tries and throttles by purpose (`signup:<email>`, `signin:<account>`, ...).
CREATE TABLE attempts (
    purpose text PRIMARY KEY,
    state bytea NOT NULL,
    -- From when the state holds nothing worth keeping (the sweeper deletes it then).
    idle_at bigint NOT NULL
);
CREATE INDEX attempts_idle ON attempts (idle_at);

-- Sign-ups and sign-ins waiting for their code, by the hash of their token.
CREATE TABLE pending (
    hash bytea PRIMARY KEY,
    expires_at bigint NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX pending_expiry ON pending (expires_at);

-- Sessions by the hash of their token; an account's by (account, session id).
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    account text NOT NULL,
    session_id text NOT NULL,
    record bytea NOT NULL,
    -- The record's times, for the sweeper: a session dies `max` after the one, `idle` after
    -- the other.
    created_at bigint NOT NULL,
    last_seen_at bigint NOT NULL,
    UNIQUE (account, session_id)
);
CREATE INDEX sessions_created ON sessions (created_at);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
-- "End this session" links: link hash -> session token hash. A link goes with its session,
-- however the session ends.
CREATE TABLE end_links (
    link_hash bytea PRIMARY KEY,
    token_hash bytea NOT NULL REFERENCES sessions (token_hash) ON DELETE CASCADE
);
CREATE INDEX end_links_session ON end_links (token_hash);

-- The vault: sealed records and each account's running totals.
CREATE TABLE vault_records (
    account text NOT NULL,
    -- Pages follow the ids in byte order, as redb's keys, whatever the database's collation.
    id text COLLATE "C" NOT NULL,
    revision bigint NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    envelope bytea NOT NULL,
    PRIMARY KEY (account, id)
);
ALTER TABLE vault_records ALTER COLUMN envelope SET STORAGE EXTERNAL;
CREATE TABLE vault_usage (
    account text PRIMARY KEY,
    records bigint NOT NULL,
    bytes bigint NOT NULL,
    version bigint NOT NULL
);

-- Files: uploads and the files of shares and vaults. The chunks' bytes are in the blob store.
CREATE TABLE files (
    id text PRIMARY KEY,
    record bytea NOT NULL,
    -- Set while the file is attached to nothing: when the sweeper deletes it.
    expires_at bigint,
    owner text
);
CREATE INDEX files_expiry ON files (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX files_owner ON files (owner) WHERE owner IS NOT NULL;
CREATE TABLE file_chunks (
    file text NOT NULL,
    chunk bigint NOT NULL,
    sum bytea NOT NULL,
    PRIMARY KEY (file, chunk)
);
CREATE TABLE share_files (
    share text PRIMARY KEY,
    record bytea NOT NULL,
    -- Set once the share has ended: when its files go (its last download token's expiry).
    keep_until bigint
);
CREATE INDEX share_files_release ON share_files (keep_until) WHERE keep_until IS NOT NULL;
CREATE TABLE download_tokens (
    hash bytea PRIMARY KEY,
    share text NOT NULL,
    expires_at bigint NOT NULL
);
CREATE INDEX download_tokens_expiry ON download_tokens (expires_at);
-- Files deleted here whose blobs are still to be removed from the blob store.
CREATE TABLE blob_trash (
    id text PRIMARY KEY
);
-- Bytes held and reserved (stored_bytes, reserved_bytes, anonymous_held, anonymous_ciphertext).
CREATE TABLE counters (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
-- The charged bytes of each holder's unfinished uploads.
CREATE TABLE upload_holders (
    holder text PRIMARY KEY,
    bytes bigint NOT NULL
);

-- The security event log (docs/audit.md): one chain per server (its `--server-id`), one per
-- account. An event is stored once, under its server chain's (server, seq).
CREATE TABLE audit_events (
    server text COLLATE "C" NOT NULL,
    seq bigint NOT NULL CHECK (seq > 0),
    record bytea NOT NULL,
    -- The order events were written in, over every chain: what `audit export` follows.
    position bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    PRIMARY KEY (server, seq)
);
CREATE TABLE audit_account_events (
    account text COLLATE "C" NOT NULL,
    account_seq bigint NOT NULL CHECK (account_seq > 0),
    server text NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (account, account_seq)
);
-- The head of every chain: kind 's' (a server's) or 'a' (an account's).
CREATE TABLE audit_heads (
    kind text NOT NULL,
    chain text COLLATE "C" NOT NULL,
    count bigint NOT NULL,
    last_server text NOT NULL,
    last_seq bigint NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (kind, chain)
);

-- Facts every server must agree on: the fingerprint of the server secret.
CREATE TABLE cluster (
    name text PRIMARY KEY,
    value bytea NOT NULL
);

-- Per-client rate limits shared by the servers: a token bucket per (limit, client network).
-- Unlogged: no WAL for a row rewritten at every request; a crash of PostgreSQL refills them.
CREATE UNLOGGED TABLE rate_buckets (
    name text NOT NULL,
    network text NOT NULL,
    tokens double precision NOT NULL,
    -- Seconds since the epoch, on the database's clock (one clock for every server).
    updated double precision NOT NULL,
    allowed boolean NOT NULL,
    PRIMARY KEY (name, network)
);
-- A bucket's tokens now: what it held plus the refill since `updated`, at most `capacity`.
-- statement_timestamp() is one instant for the whole statement; a statement that waited for the
-- row behind a later one counts no time backwards.
CREATE FUNCTION coffer_refill(tokens double precision, updated double precision,
                              capacity double precision, per_second double precision)
RETURNS double precision LANGUAGE sql STABLE AS $$
    SELECT least(capacity, tokens + greatest(0, extract(epoch FROM statement_timestamp()) - updated) * per_second)
$$;
