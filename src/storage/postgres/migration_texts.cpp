#include "storage/postgres/migration_texts.hpp"

namespace siaga::storage::postgres::migration_texts {

// Conventions of the schema, those of the SQLite store (sqlite/migrations.cpp) in PostgreSQL's
// types, so that both stores read and write the same values (storage/model_rows.hpp):
// - Times are BIGINT microseconds since the Unix epoch, UTC; flags are BOOLEAN; coordinates
//   DOUBLE PRECISION; JSON kept beside its row (run card, SOP, calendar, endpoints) is TEXT that
//   must parse as JSON, read and written whole.
// - Every row carries jurisdiction_id, and every reference goes through (jurisdiction_id, id):
//   a row cannot point into another jurisdiction.
// - events.seq is given by append_event under an advisory lock held to COMMIT (see
//   writer_txn.hpp), so that seqs are gapless and in commit order even with several nodes.
extern const std::string_view schema_v1 = R"sql(
CREATE TABLE jurisdictions (
  id TEXT NOT NULL PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  timezone TEXT NOT NULL,
  incident_prefix TEXT NOT NULL,
  weekend_days TEXT NOT NULL DEFAULT '[0,6]' CHECK (weekend_days::jsonb IS NOT NULL),
  holidays TEXT NOT NULL DEFAULT '[]' CHECK (holidays::jsonb IS NOT NULL),
  alert_endpoints TEXT NOT NULL DEFAULT '[]' CHECK (alert_endpoints::jsonb IS NOT NULL)
);

CREATE TABLE districts (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  center_lat DOUBLE PRECISION,
  center_lon DOUBLE PRECISION,
  boundary_geojson TEXT NOT NULL DEFAULT '',
  boundary_approximate BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id),
  CHECK ((center_lat IS NULL) = (center_lon IS NULL))
);

CREATE TABLE villages (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  district_id TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  center_lat DOUBLE PRECISION,
  center_lon DOUBLE PRECISION,
  boundary_geojson TEXT NOT NULL DEFAULT '',
  boundary_approximate BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, district_id) REFERENCES districts (jurisdiction_id, id),
  CHECK ((center_lat IS NULL) = (center_lon IS NULL))
);
CREATE INDEX villages_by_district ON villages (jurisdiction_id, district_id, code);

CREATE TABLE agencies (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT TRUE,
  endpoints TEXT NOT NULL DEFAULT '[]' CHECK (endpoints::jsonb IS NOT NULL),
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id)
);

CREATE TABLE categories (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  code TEXT NOT NULL,
  name_id TEXT NOT NULL,
  name_en TEXT NOT NULL,
  urgency_class TEXT NOT NULL,
  run_card TEXT NOT NULL DEFAULT '[]' CHECK (run_card::jsonb IS NOT NULL),
  sop TEXT NOT NULL DEFAULT '[]' CHECK (sop::jsonb IS NOT NULL),
  sla_dispatch_within_s BIGINT NOT NULL DEFAULT 0,
  sla_acknowledge_within_s BIGINT NOT NULL DEFAULT 0,
  sla_on_scene_within_s BIGINT NOT NULL DEFAULT 0,
  sla_complete_within_s BIGINT NOT NULL DEFAULT 0,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  sla_close_within_s BIGINT NOT NULL DEFAULT 0,
  sla_dispatch_within_days INTEGER NOT NULL DEFAULT 0,
  sla_acknowledge_within_days INTEGER NOT NULL DEFAULT 0,
  sla_on_scene_within_days INTEGER NOT NULL DEFAULT 0,
  sla_complete_within_days INTEGER NOT NULL DEFAULT 0,
  sla_close_within_days INTEGER NOT NULL DEFAULT 0,
  is_public BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id)
);

CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  agency_id TEXT,
  password_hash TEXT NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at BIGINT NOT NULL,
  pbx_agent TEXT NOT NULL DEFAULT '',
  must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id)
);
CREATE INDEX users_by_jurisdiction ON users (jurisdiction_id, username);

CREATE TABLE sessions (
  token_hash TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  user_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  FOREIGN KEY (jurisdiction_id, user_id) REFERENCES users (jurisdiction_id, id)
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE security_events (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT REFERENCES jurisdictions (id),
  kind TEXT NOT NULL,
  username TEXT NOT NULL,
  address TEXT NOT NULL,
  at BIGINT NOT NULL,
  until BIGINT NOT NULL,
  failures BIGINT NOT NULL
);
CREATE INDEX security_events_by_time ON security_events (jurisdiction_id, at);

CREATE TABLE incidents (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  number TEXT NOT NULL,
  category_id TEXT NOT NULL,
  urgency_class TEXT NOT NULL,
  status TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  address TEXT NOT NULL DEFAULT '',
  district_id TEXT,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  first_dispatched_at BIGINT,
  resolved_at BIGINT,
  closed_at BIGINT,
  village_id TEXT REFERENCES villages (id),
  UNIQUE (jurisdiction_id, number),
  UNIQUE (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, category_id) REFERENCES categories (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, district_id) REFERENCES districts (jurisdiction_id, id),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX incidents_by_created ON incidents (jurisdiction_id, created_at);
CREATE INDEX incidents_by_status ON incidents (jurisdiction_id, status, created_at);
CREATE INDEX incidents_by_category ON incidents (jurisdiction_id, category_id, created_at);
CREATE INDEX incidents_by_district ON incidents (jurisdiction_id, district_id, created_at);
CREATE INDEX incidents_by_village ON incidents (jurisdiction_id, village_id, created_at) WHERE village_id IS NOT NULL;

CREATE TABLE reports (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  tracking_code TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  reporter_name TEXT NOT NULL DEFAULT '',
  reporter_phone TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  category_id TEXT,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  address TEXT NOT NULL DEFAULT '',
  district_id TEXT,
  incident_id TEXT,
  rejection TEXT,
  resolution_note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  village_id TEXT REFERENCES villages (id),
  FOREIGN KEY (jurisdiction_id, category_id) REFERENCES categories (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, district_id) REFERENCES districts (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX reports_by_created ON reports (jurisdiction_id, created_at);
CREATE INDEX reports_by_status ON reports (jurisdiction_id, status, created_at);
CREATE INDEX reports_by_category ON reports (jurisdiction_id, category_id, created_at);
CREATE INDEX reports_by_incident ON reports (incident_id, created_at) WHERE incident_id IS NOT NULL;
CREATE INDEX reports_by_village ON reports (jurisdiction_id, village_id, created_at) WHERE village_id IS NOT NULL;

-- No unique (incident_id, agency_id): an agency that declined may be dispatched again.
CREATE TABLE dispatches (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  share_contact BOOLEAN NOT NULL DEFAULT FALSE,
  note TEXT NOT NULL DEFAULT '',
  decline_reason TEXT NOT NULL DEFAULT '',
  notified_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  en_route_at BIGINT,
  on_scene_at BIGINT,
  completed_at BIGINT,
  declined_at BIGINT,
  cancelled_at BIGINT,
  updated_at BIGINT NOT NULL,
  public_note TEXT NOT NULL DEFAULT '',
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id)
);
CREATE INDEX dispatches_by_incident ON dispatches (incident_id, notified_at);
CREATE INDEX dispatches_by_agency ON dispatches (jurisdiction_id, agency_id, notified_at);
CREATE INDEX dispatches_by_notified ON dispatches (jurisdiction_id, notified_at);
CREATE INDEX dispatches_by_status ON dispatches (jurisdiction_id, status, notified_at);

CREATE TABLE counters (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  key TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, key)
);

-- The audit log. incident_id and agency_id have no foreign keys: the log must be able to
-- record anything, including events about rows that a later migration reshapes.
CREATE TABLE events (
  seq BIGINT NOT NULL PRIMARY KEY CHECK (seq > 0),
  id TEXT NOT NULL UNIQUE,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  subject TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  incident_id TEXT,
  agency_id TEXT,
  kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  payload_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX events_by_jurisdiction ON events (jurisdiction_id, seq);
CREATE INDEX events_by_incident ON events (incident_id, seq) WHERE incident_id IS NOT NULL;

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
)sql";

// The SQLite store's migration 18 (issue 12, UU PDP): event hash version 2. New events carry
// the SHA-256 of their personal subject id and payload (payload_digest) and are hashed over it,
// so that the payload can later be erased (erased_at set) while the chain still verifies. The
// update trigger allows exactly that one change to a version-2 row, as SQLite's does; rows
// without a digest stay unchangeable.
extern const std::string_view schema_erasable_events = R"sql(
ALTER TABLE events ADD COLUMN payload_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN erased_at BIGINT;

CREATE FUNCTION events_erase_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND OLD.payload_digest <> ''
     AND NEW.payload_digest = OLD.payload_digest AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash
     AND NEW.seq = OLD.seq AND NEW.id = OLD.id AND NEW.jurisdiction_id = OLD.jurisdiction_id
     AND NEW.subject = OLD.subject AND NEW.incident_id IS NOT DISTINCT FROM OLD.incident_id
     AND NEW.agency_id IS NOT DISTINCT FROM OLD.agency_id
     AND NEW.kind = OLD.kind AND NEW.actor_id = OLD.actor_id AND NEW.at = OLD.at
     AND NEW.payload_json = '{"erased":true}'
     AND (NEW.subject_id = OLD.subject_id OR (OLD.subject = 'caller' AND NEW.subject_id = 'erased')) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'events are append-only: only the payload of a version-2 event may be erased';
END;
$$;
DROP TRIGGER events_no_update ON events;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION events_erase_only();
)sql";

// The notification outbox (the SQLite store's migrations 2 and 8: agency_id NULL for a row to
// the jurisdiction's supervisors; agencies.endpoints is in migration 1), with the lease of
// several nodes: lease_until, the end of the claim of the node delivering the row
// (outbox_sql.cpp, claim_due), NULL when no one holds it. outbox_due holds only pending rows,
// what the claim scans.
extern const std::string_view schema_outbox = R"sql(
CREATE TABLE outbox (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  agency_id TEXT,
  dispatch_id TEXT,
  incident_id TEXT,
  endpoint_index INTEGER NOT NULL,
  endpoint_kind TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  event_kind TEXT NOT NULL,
  payload_json TEXT NOT NULL CHECK (payload_json::jsonb IS NOT NULL),
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  delivered_at BIGINT,
  lease_until BIGINT,
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK (attempts >= 0 AND endpoint_index >= 0)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_by_status ON outbox (jurisdiction_id, status, created_at);
CREATE INDEX outbox_by_created ON outbox (jurisdiction_id, created_at);
)sql";

// Calls and callers (the SQLite store's migrations 3 and 5; the calls facet, issue 5): api keys
// (stored hashed), calls folded from their telephony events (kept once per event id), the
// policy state of caller numbers and the jurisdiction's policy, callback tasks (one per
// unanswered call, the other calls of a number merged into its open task) and every location
// message received, refused ones included. Flags are BOOLEAN. The call rollups (SQLite 10, 13,
// 15) are not here yet: they come with the statistics facet.
extern const std::string_view schema_calls = R"sql(
CREATE TABLE api_keys (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_by_jurisdiction ON api_keys (jurisdiction_id, created_at);

CREATE TABLE calls (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  external_id TEXT NOT NULL,
  caller TEXT NOT NULL DEFAULT '',
  line TEXT NOT NULL DEFAULT '',
  ring_at BIGINT NOT NULL,
  queued_at BIGINT,
  answered_at BIGINT,
  ended_at BIGINT,
  answered_by TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '',
  transfers INTEGER NOT NULL DEFAULT 0,
  end_reason TEXT,
  outcome TEXT,
  digits TEXT NOT NULL DEFAULT '',
  silent_caller BOOLEAN NOT NULL DEFAULT FALSE,
  silent BOOLEAN NOT NULL DEFAULT FALSE,
  classification TEXT,
  classified_source TEXT,
  classified_by TEXT NOT NULL DEFAULT '',
  classified_at BIGINT,
  note TEXT NOT NULL DEFAULT '',
  report_id TEXT REFERENCES reports (id),
  loc_lat DOUBLE PRECISION,
  loc_lon DOUBLE PRECISION,
  loc_radius_m DOUBLE PRECISION,
  loc_at BIGINT,
  loc_method TEXT,
  loc_format TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (jurisdiction_id, external_id),
  CHECK ((loc_lat IS NULL) = (loc_lon IS NULL))
);
CREATE INDEX calls_by_ring ON calls (jurisdiction_id, ring_at);
CREATE INDEX calls_by_caller ON calls (jurisdiction_id, caller, ring_at);
CREATE INDEX calls_live ON calls (jurisdiction_id, ring_at) WHERE ended_at IS NULL;

CREATE TABLE call_events (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  event_id TEXT NOT NULL,
  call_record_id TEXT NOT NULL REFERENCES calls (id),
  external_call_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at BIGINT NOT NULL,
  caller TEXT NOT NULL DEFAULT '',
  line TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '',
  reason TEXT,
  digits TEXT NOT NULL DEFAULT '',
  silent BOOLEAN NOT NULL DEFAULT FALSE,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, event_id)
);
CREATE INDEX call_events_by_call ON call_events (call_record_id, at);

CREATE TABLE callers (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  number TEXT NOT NULL,
  flagged_at BIGINT,
  blocked_until BIGINT,
  strikes_since BIGINT,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, number)
);

CREATE TABLE caller_policies (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
  threshold INTEGER NOT NULL,
  window_s BIGINT NOT NULL,
  block_enabled BOOLEAN NOT NULL,
  block_s BIGINT NOT NULL,
  CHECK (threshold >= 1 AND window_s > 0 AND block_s > 0)
);

CREATE TABLE callbacks (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  call_id TEXT NOT NULL UNIQUE REFERENCES calls (id),
  caller TEXT NOT NULL,
  status TEXT NOT NULL,
  due_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  assigned_to TEXT,
  last_result TEXT,
  note TEXT NOT NULL DEFAULT '',
  report_id TEXT REFERENCES reports (id),
  superseded_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  merged_into TEXT REFERENCES callbacks (id),
  calls INTEGER NOT NULL DEFAULT 1 CHECK (calls >= 1),
  last_call_at BIGINT,
  dialed_call TEXT NOT NULL DEFAULT '',
  dialed_at BIGINT,
  FOREIGN KEY (jurisdiction_id, assigned_to) REFERENCES users (jurisdiction_id, id),
  CHECK (attempts >= 0)
);
CREATE INDEX callbacks_by_status ON callbacks (jurisdiction_id, status, due_at);
CREATE INDEX callbacks_by_caller ON callbacks (jurisdiction_id, caller);

CREATE TABLE location_records (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  call_id TEXT REFERENCES calls (id),
  number TEXT NOT NULL DEFAULT '',
  accepted BOOLEAN NOT NULL,
  rejection TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  radius_m DOUBLE PRECISION,
  fix_time BIGINT,
  method TEXT,
  confidence INTEGER,
  altitude_m DOUBLE PRECISION,
  emergency_number TEXT NOT NULL DEFAULT '',
  network TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  call_started BIGINT,
  raw TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL,
  CHECK ((lat IS NULL) = (lon IS NULL)),
  CHECK (accepted = (lat IS NOT NULL))
);
CREATE INDEX location_records_by_call ON location_records (call_id, received_at) WHERE call_id IS NOT NULL;
CREATE INDEX location_records_by_received ON location_records (jurisdiction_id, received_at);
)sql";

// Directory versions (SQLite 21's directory_versions): every change of a jurisdiction's row or
// of its categories gives it a new random value, so that caches of its calendar and limits (the
// services' clock boards) on every node know when to read again. Random rather than counted:
// compared for equality only, a count could come back to a value a cache holds (a restored
// backup, another database of the same jurisdiction id in one process).
extern const std::string_view schema_directory_versions = R"sql(
CREATE TABLE directory_versions (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO directory_versions SELECT id, (random() * 9007199254740991)::bigint FROM jurisdictions;
CREATE FUNCTION directory_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  j TEXT;
BEGIN
  IF TG_TABLE_NAME = 'jurisdictions' THEN
    IF TG_OP = 'DELETE' THEN j := OLD.id; ELSE j := NEW.id; END IF;
  ELSE
    IF TG_OP = 'DELETE' THEN j := OLD.jurisdiction_id; ELSE j := NEW.jurisdiction_id; END IF;
  END IF;
  INSERT INTO directory_versions VALUES (j, (random() * 9007199254740991)::bigint)
    ON CONFLICT (jurisdiction_id) DO UPDATE SET version = excluded.version;
  RETURN NULL;
END;
$$;
CREATE TRIGGER jurisdictions_directory AFTER INSERT OR UPDATE OR DELETE ON jurisdictions
  FOR EACH ROW EXECUTE FUNCTION directory_moved();
CREATE TRIGGER categories_directory AFTER INSERT OR UPDATE OR DELETE ON categories
  FOR EACH ROW EXECUTE FUNCTION directory_moved();
)sql";

// Villages' and districts' versions (SQLite 9's area_versions; the villages table is in
// migration 1): every insert, update or delete of a jurisdiction's districts or villages counts
// one more, by a trigger so that no writer can forget it; the services cache the parsed
// boundaries and read them again when it moves. Counted as in SQLite (a jurisdiction with no
// district reads 0).
extern const std::string_view schema_areas = R"sql(
CREATE TABLE area_versions (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
  version BIGINT NOT NULL
);
INSERT INTO area_versions SELECT DISTINCT jurisdiction_id, 1 FROM districts;
CREATE FUNCTION area_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  j TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN j := OLD.jurisdiction_id; ELSE j := NEW.jurisdiction_id; END IF;
  INSERT INTO area_versions VALUES (j, 1)
    ON CONFLICT (jurisdiction_id) DO UPDATE SET version = area_versions.version + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER districts_area AFTER INSERT OR UPDATE OR DELETE ON districts
  FOR EACH ROW EXECUTE FUNCTION area_moved();
CREATE TRIGGER villages_area AFTER INSERT OR UPDATE OR DELETE ON villages
  FOR EACH ROW EXECUTE FUNCTION area_moved();
)sql";

// Media (SQLite 4, 12 and 20's erased_at): photos of reports and dispatches, the bytes as bytea,
// the last column so that the reads of the others never load them. A report's photo waits for
// its incident with incident_id NULL. erased_at is when retention erased the bytes (the row
// keeps its SHA-256); media_to_erase serves its search. The bytes are stored EXTERNAL: images
// are compressed already, so PostgreSQL need not try again.
extern const std::string_view schema_media = R"sql(
CREATE TABLE media (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT,
  dispatch_id TEXT REFERENCES dispatches (id),
  report_id TEXT REFERENCES reports (id),
  is_public BOOLEAN NOT NULL DEFAULT FALSE,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  bytes BYTEA NOT NULL,
  erased_at BIGINT,
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK (incident_id IS NOT NULL OR report_id IS NOT NULL),
  CHECK (size = octet_length(bytes)),
  CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp'))
);
ALTER TABLE media ALTER COLUMN bytes SET STORAGE EXTERNAL;
CREATE INDEX media_by_incident ON media (incident_id, created_at);
CREATE INDEX media_by_report ON media (report_id, created_at) WHERE report_id IS NOT NULL;
CREATE INDEX media_to_erase ON media (jurisdiction_id, created_at) WHERE erased_at IS NULL;
)sql";

// Places (SQLite 6): landmarks, streets and kelurahan that call takers search by name, each
// source's import replaced whole. The search (../places_sql.ipp) asks that every typed word
// start a word of folded (LIKE 'w%' OR LIKE '% w%'): the trigram index (pg_trgm, in Debian's
// postgresql-15 and trusted, so the database's owner may create it) serves both forms, which a
// B-tree cannot for the second. Text compared byte by byte (COLLATE "C"), as SQLite does, so
// that names of one length come back in the same order from both stores whatever the
// database's locale.
extern const std::string_view schema_places = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE places (
  id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  name TEXT COLLATE "C" NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  folded TEXT COLLATE "C" NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('landmark', 'street', 'village', 'other')),
  lat DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN -180 AND 180),
  district_id TEXT,
  source TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX places_by_folded ON places USING gin (folded gin_trgm_ops);
CREATE INDEX places_by_source ON places (jurisdiction_id, source);
)sql";

// SLA alerts (SQLite 8; the calendar and the categories' limits are in migration 1): one row
// per clock, step and level, the unique key making "notified once" hold across restarts and
// nodes; dispatch_id is '' for an incident's own clocks so that the key has no NULL in it.
extern const std::string_view schema_sla = R"sql(
CREATE TABLE sla_alerts (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT NOT NULL,
  dispatch_id TEXT NOT NULL DEFAULT '',
  agency_id TEXT NOT NULL DEFAULT '',
  category_id TEXT NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('dispatch', 'acknowledge', 'on_scene', 'complete', 'close')),
  level TEXT NOT NULL CHECK (level IN ('warning', 'breach', 'escalation')),
  due_at BIGINT NOT NULL,
  raised_at BIGINT NOT NULL,
  resolved_at BIGINT,
  UNIQUE (incident_id, dispatch_id, step, level)
);
CREATE INDEX sla_alerts_by_time ON sla_alerts (jurisdiction_id, raised_at);
CREATE INDEX sla_alerts_open ON sla_alerts (jurisdiction_id, raised_at) WHERE resolved_at IS NULL;
)sql";

// The messaging channels (SQLite 14): a reporter's conversation with the guided dialogue, every
// inbound message id once seen, how a channel's report reaches its reporter again, and the
// providers' delivery receipts.
extern const std::string_view schema_conversations = R"sql(
CREATE TABLE channel_conversations (
  channel TEXT NOT NULL,
  sender TEXT NOT NULL,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  reply_to TEXT NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('what', 'where', 'photo')),
  description TEXT NOT NULL DEFAULT '',
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  address TEXT NOT NULL DEFAULT '',
  started_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (channel, sender),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE TABLE channel_messages (
  channel TEXT NOT NULL,
  message_id TEXT NOT NULL,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  report_id TEXT REFERENCES reports (id),
  PRIMARY KEY (channel, message_id)
);
CREATE INDEX channel_messages_by_received ON channel_messages (jurisdiction_id, received_at);
CREATE TABLE channel_contacts (
  report_id TEXT NOT NULL PRIMARY KEY REFERENCES reports (id),
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  announced TEXT NOT NULL DEFAULT 'received'
);
CREATE TABLE channel_statuses (
  channel TEXT NOT NULL,
  message_id TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient TEXT NOT NULL,
  at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (channel, message_id, status)
);
)sql";

// Open311 GeoReport v2 (SQLite 17): what a client sent with a request beyond the report itself,
// the contact fields only staff may read among it.
extern const std::string_view schema_open311 = R"sql(
CREATE TABLE open311_requests (
  report_id TEXT NOT NULL PRIMARY KEY REFERENCES reports (id),
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  service_code TEXT NOT NULL,
  description TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}' CHECK (attributes::jsonb IS NOT NULL),
  media_url TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  device_id TEXT NOT NULL DEFAULT '',
  account_id TEXT NOT NULL DEFAULT '',
  api_key_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX open311_requests_by_created ON open311_requests (jurisdiction_id, created_at);
)sql";

// SP4N-LAPOR! (SQLite 19): every complaint imported, once per tracking id and jurisdiction, and
// each jurisdiction's cursor into LAPOR!'s feed.
extern const std::string_view schema_lapor = R"sql(
CREATE TABLE lapor_reports (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  lapor_id TEXT NOT NULL,
  report_id TEXT NOT NULL UNIQUE REFERENCES reports (id),
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  attachments TEXT NOT NULL DEFAULT '[]' CHECK (attachments::jsonb IS NOT NULL),
  anonymous BOOLEAN NOT NULL DEFAULT FALSE,
  submitted_at BIGINT NOT NULL,
  imported_at BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, lapor_id)
);
CREATE TABLE lapor_cursors (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
  cursor TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql";

// Retention (SQLite 20; media.erased_at is in migration 7): when a report's point, a location
// record or a call's accepted fix was coarsened to about a village, so that each is done once
// and views can say so.
extern const std::string_view schema_retention = R"sql(
ALTER TABLE reports ADD COLUMN location_coarsened_at BIGINT;
ALTER TABLE location_records ADD COLUMN coarsened_at BIGINT;
ALTER TABLE calls ADD COLUMN loc_coarsened_at BIGINT;
)sql";

// Idempotency-Keys of creating requests (SQLite 24).
extern const std::string_view schema_idempotency = R"sql(
CREATE TABLE idempotency_keys (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  kind TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  record_id TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction_id, kind, idempotency_key)
);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
)sql";

// Callbacks indexed by number only while they wait (SQLite 25).
extern const std::string_view schema_waiting_callbacks = R"sql(
DROP INDEX callbacks_by_caller;
CREATE INDEX callbacks_waiting_by_caller ON callbacks (jurisdiction_id, caller) WHERE status IN ('open', 'in_progress');
)sql";
}  // namespace siaga::storage::postgres::migration_texts
