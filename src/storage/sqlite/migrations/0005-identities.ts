// Schema version 5: identities (IAM). Accounts, users, roles, access keys (secrets and session
// tokens sealed by the layer above, never in clear), inline and managed policies, attachments, and
// the change counter (a row of `sequences`) bumped by every IAM write. Names compare regardless of case, as IAM's
// do: `COLLATE NOCASE` here; PostgreSQL gets the same from unique indexes on lower(name).

export const identitiesSchema = `
CREATE TABLE iam_accounts (
  account_id TEXT PRIMARY KEY,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE iam_users (
  account_id TEXT NOT NULL,
  user_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  user_id TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, user_name)
);

CREATE TABLE iam_roles (
  account_id TEXT NOT NULL,
  role_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  role_id TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL,
  assume_role_policy_document TEXT NOT NULL,
  max_session_duration_sec INTEGER NOT NULL,
  description TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, role_name)
);

CREATE TABLE iam_access_keys (
  access_key_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  -- a user's long-term key, or a role session's temporary one
  user_name TEXT COLLATE NOCASE,
  role_name TEXT COLLATE NOCASE,
  role_session_name TEXT,
  -- Active or Inactive
  status TEXT NOT NULL,
  sealed_secret TEXT NOT NULL,
  sealed_session_token TEXT,
  expires_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL,
  last_used_at_ms BIGINT
);
CREATE INDEX iam_access_keys_by_user ON iam_access_keys (account_id, user_name);
CREATE INDEX iam_access_keys_by_role ON iam_access_keys (account_id, role_name);
CREATE INDEX iam_access_keys_by_expiry ON iam_access_keys (expires_at_ms) WHERE expires_at_ms IS NOT NULL;

CREATE TABLE iam_inline_policies (
  account_id TEXT NOT NULL,
  -- user or role
  holder_type TEXT NOT NULL,
  holder_name TEXT NOT NULL COLLATE NOCASE,
  policy_name TEXT NOT NULL COLLATE NOCASE,
  document TEXT NOT NULL,
  PRIMARY KEY (account_id, holder_type, holder_name, policy_name)
);

CREATE TABLE iam_managed_policies (
  account_id TEXT NOT NULL,
  policy_name TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  policy_id TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  document TEXT NOT NULL,
  default_version_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, policy_name)
);

CREATE TABLE iam_policy_attachments (
  account_id TEXT NOT NULL,
  holder_type TEXT NOT NULL,
  holder_name TEXT NOT NULL COLLATE NOCASE,
  policy_arn TEXT NOT NULL,
  PRIMARY KEY (account_id, holder_type, holder_name, policy_arn)
);
CREATE INDEX iam_policy_attachments_by_policy ON iam_policy_attachments (policy_arn);

-- The change counter: a row of the named counters of version 3.
INSERT INTO sequences (name, next_value) VALUES ('iam_changes', 0);
`
