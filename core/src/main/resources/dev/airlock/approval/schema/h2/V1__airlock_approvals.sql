-- Airlock approval store, schema version 1, for H2 2.x.
--
-- Plain SQL: hand it to Flyway or Liquibase, or run it with H2's RunScript. JdbcApprovalStore
-- applies it itself unless built with applySchema(false). Safe to run again: every object is
-- created only if it does not exist, and the version row is inserted only once.
--
-- Every instant is a BIGINT of microseconds since 1970-01-01T00:00:00Z. H2 commits each CREATE
-- at once, so unlike on PostgreSQL a failure half-way leaves the tables created so far; running
-- the script again completes it.

CREATE TABLE IF NOT EXISTS airlock_schema_version (
  version    INT PRIMARY KEY,
  applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- One row per approval request, from the moment it is asked until it is used, rejected or expired.
-- call_json is the exact call as canonical JSON (keys sorted, UTF-8, no whitespace): its tool,
-- arguments, environment and agent hash to binding_hash.
CREATE TABLE IF NOT EXISTS airlock_approvals (
  request_id       VARCHAR(255) PRIMARY KEY,
  binding_hash     VARCHAR(64)  NOT NULL,
  call_json        CLOB         NOT NULL,
  effect           VARCHAR(32)  NOT NULL,
  asked_max_rows   BIGINT,
  status           VARCHAR(16)  NOT NULL,
  requested_at     BIGINT       NOT NULL,
  expires_at       BIGINT       NOT NULL,
  decided_by       VARCHAR,
  decision_comment VARCHAR,
  granted_max_rows BIGINT,
  decided_at       BIGINT,
  used_at          BIGINT
);

CREATE INDEX IF NOT EXISTS airlock_approvals_binding_hash
  ON airlock_approvals (binding_hash);

CREATE INDEX IF NOT EXISTS airlock_approvals_status_expires
  ON airlock_approvals (status, expires_at);

-- Successful runs of a statement on a staging mirror: the evidence the staging-first policy needs.
CREATE TABLE IF NOT EXISTS airlock_staging_runs (
  id                     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  statement_sha256       VARCHAR(255) NOT NULL,
  staging_environment    VARCHAR(255) NOT NULL,
  production_environment VARCHAR(255) NOT NULL,
  rows_changed           BIGINT       NOT NULL,
  ran_at                 BIGINT       NOT NULL,
  call_id                VARCHAR(255) NOT NULL,
  agent                  VARCHAR(255) NOT NULL
);

CREATE INDEX IF NOT EXISTS airlock_staging_runs_statement
  ON airlock_staging_runs (statement_sha256, staging_environment, ran_at);

-- The kill switch shared by every instance: one row per engaged scope, '*' for all agents or the
-- agent's principal. A released scope has no row.
CREATE TABLE IF NOT EXISTS airlock_kill_switch (
  scope      VARCHAR(255) PRIMARY KEY,
  reason     VARCHAR      NOT NULL,
  engaged_by VARCHAR      NOT NULL,
  engaged_at BIGINT       NOT NULL
);

INSERT INTO airlock_schema_version (version)
  SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM airlock_schema_version WHERE version = 1);
