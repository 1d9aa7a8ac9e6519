#include "storage/sqlite/migration_texts.hpp"

namespace siaga::storage::sqlite::migration_texts {

// Conventions of the schema:
// - STRICT tables, so that a wrong bind type fails instead of being stored as something else.
// - Times are INTEGER microseconds since the Unix epoch, UTC.
// - Every row carries jurisdiction_id, and every reference goes through (jurisdiction_id, id):
//   a row cannot point into another jurisdiction, and the keys already include the shard key
//   for when the data is sharded by jurisdiction.
// - A category's run card and SOP are JSON arrays in one column each: they are always read
//   and written whole with their category, their order matters, and categories change rarely.
//   The SLA targets are plain columns so that reports can compute with them in SQL.
// - List indexes lead with jurisdiction_id and end with the sort column; SQLite walks them
//   backwards for "newest first".
extern const std::string_view schema_v1 = R"sql(
CREATE TABLE jurisdictions (
  id TEXT NOT NULL PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  timezone TEXT NOT NULL,
  incident_prefix TEXT NOT NULL
) STRICT;

CREATE TABLE districts (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  center_lat REAL,
  center_lon REAL,
  boundary_geojson TEXT NOT NULL DEFAULT '',
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id),
  CHECK ((center_lat IS NULL) = (center_lon IS NULL))
) STRICT;

CREATE TABLE agencies (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id)
) STRICT;

CREATE TABLE categories (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  code TEXT NOT NULL,
  name_id TEXT NOT NULL,
  name_en TEXT NOT NULL,
  urgency_class TEXT NOT NULL,
  run_card TEXT NOT NULL DEFAULT '[]',
  sop TEXT NOT NULL DEFAULT '[]',
  sla_dispatch_within_s INTEGER NOT NULL DEFAULT 0,
  sla_acknowledge_within_s INTEGER NOT NULL DEFAULT 0,
  sla_on_scene_within_s INTEGER NOT NULL DEFAULT 0,
  sla_complete_within_s INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id),
  CHECK (json_valid(run_card) AND json_valid(sop))
) STRICT;

CREATE TABLE users (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  agency_id TEXT,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  UNIQUE (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id)
) STRICT;
CREATE INDEX users_by_jurisdiction ON users (jurisdiction_id, username);

CREATE TABLE sessions (
  token_hash TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  FOREIGN KEY (jurisdiction_id, user_id) REFERENCES users (jurisdiction_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE incidents (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  number TEXT NOT NULL,
  category_id TEXT NOT NULL,
  urgency_class TEXT NOT NULL,
  status TEXT NOT NULL,
  summary TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  lat REAL,
  lon REAL,
  address TEXT NOT NULL DEFAULT '',
  district_id TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  first_dispatched_at INTEGER,
  resolved_at INTEGER,
  closed_at INTEGER,
  UNIQUE (jurisdiction_id, number),
  UNIQUE (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, category_id) REFERENCES categories (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, district_id) REFERENCES districts (jurisdiction_id, id),
  CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
CREATE INDEX incidents_by_created ON incidents (jurisdiction_id, created_at);
CREATE INDEX incidents_by_status ON incidents (jurisdiction_id, status, created_at);
CREATE INDEX incidents_by_category ON incidents (jurisdiction_id, category_id, created_at);
CREATE INDEX incidents_by_district ON incidents (jurisdiction_id, district_id, created_at);

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
  lat REAL,
  lon REAL,
  address TEXT NOT NULL DEFAULT '',
  district_id TEXT,
  incident_id TEXT,
  rejection TEXT,
  resolution_note TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  FOREIGN KEY (jurisdiction_id, category_id) REFERENCES categories (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, district_id) REFERENCES districts (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
CREATE INDEX reports_by_created ON reports (jurisdiction_id, created_at);
CREATE INDEX reports_by_status ON reports (jurisdiction_id, status, created_at);
CREATE INDEX reports_by_category ON reports (jurisdiction_id, category_id, created_at);
CREATE INDEX reports_by_incident ON reports (incident_id, created_at) WHERE incident_id IS NOT NULL;

-- No unique (incident_id, agency_id): an agency that declined may be dispatched again.
CREATE TABLE dispatches (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT NOT NULL,
  agency_id TEXT NOT NULL,
  role TEXT NOT NULL,
  status TEXT NOT NULL,
  share_contact INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  decline_reason TEXT NOT NULL DEFAULT '',
  notified_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  en_route_at INTEGER,
  on_scene_at INTEGER,
  completed_at INTEGER,
  declined_at INTEGER,
  cancelled_at INTEGER,
  updated_at INTEGER NOT NULL,
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id)
) STRICT;
CREATE INDEX dispatches_by_incident ON dispatches (incident_id, notified_at);
CREATE INDEX dispatches_by_agency ON dispatches (jurisdiction_id, agency_id, notified_at);
CREATE INDEX dispatches_by_notified ON dispatches (jurisdiction_id, notified_at);
CREATE INDEX dispatches_by_status ON dispatches (jurisdiction_id, status, notified_at);

CREATE TABLE counters (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  key TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (jurisdiction_id, key)
) STRICT, WITHOUT ROWID;

-- The audit log. incident_id and agency_id have no foreign keys: the log must be able to
-- record anything, including events about rows that a later migration reshapes.
-- AUTOINCREMENT keeps seq from ever being reused, which the realtime stream's resume relies on.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  subject TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  incident_id TEXT,
  agency_id TEXT,
  kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  payload_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_jurisdiction ON events (jurisdiction_id, seq);
CREATE INDEX events_by_incident ON events (incident_id, seq) WHERE incident_id IS NOT NULL;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
)sql";

// Outbound notifications (issue 3): each agency's endpoints as a JSON array beside its row,
// read and written whole with the agency like a category's run card; and the outbox, written
// in the same transaction as the dispatch it announces and worked off by the delivery worker.
// The outbox has no foreign key to dispatches, whose id alone is unique (no (jurisdiction_id,
// id) key to reference). outbox_due serves the worker's scan for pending rows that are due;
// the other two serve the supervisor's lists.
extern const std::string_view schema_v2 = R"sql(
ALTER TABLE agencies ADD COLUMN endpoints TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(endpoints));

CREATE TABLE outbox (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  agency_id TEXT NOT NULL,
  dispatch_id TEXT,
  incident_id TEXT,
  endpoint_index INTEGER NOT NULL,
  endpoint_kind TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  event_kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER,
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK (json_valid(payload_json)),
  CHECK (attempts >= 0 AND endpoint_index >= 0)
) STRICT;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_status ON outbox (jurisdiction_id, status, created_at);
CREATE INDEX outbox_by_created ON outbox (jurisdiction_id, created_at);
)sql";

// Calls and callers (issue 5): integration keys (stored hashed), calls folded from their
// telephony events (kept, each once per event id, so that a call can be folded again whatever
// order they came in), the policy state of caller numbers and the jurisdiction's policy,
// callback tasks (one per unanswered call) and every location message received, refused ones
// included. reports has no (jurisdiction_id, id) key, so report references use id alone.
// calls_by_caller serves the caller history and the prank policy, calls_live the wallboard.
extern const std::string_view schema_v3 = R"sql(
CREATE TABLE api_keys (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX api_keys_by_jurisdiction ON api_keys (jurisdiction_id, created_at);

CREATE TABLE calls (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  external_id TEXT NOT NULL,
  caller TEXT NOT NULL DEFAULT '',
  line TEXT NOT NULL DEFAULT '',
  ring_at INTEGER NOT NULL,
  queued_at INTEGER,
  answered_at INTEGER,
  ended_at INTEGER,
  answered_by TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '',
  transfers INTEGER NOT NULL DEFAULT 0,
  end_reason TEXT,
  outcome TEXT,
  digits TEXT NOT NULL DEFAULT '',
  silent_caller INTEGER NOT NULL DEFAULT 0,
  silent INTEGER NOT NULL DEFAULT 0,
  classification TEXT,
  classified_source TEXT,
  classified_by TEXT NOT NULL DEFAULT '',
  classified_at INTEGER,
  note TEXT NOT NULL DEFAULT '',
  report_id TEXT REFERENCES reports (id),
  loc_lat REAL,
  loc_lon REAL,
  loc_radius_m REAL,
  loc_at INTEGER,
  loc_method TEXT,
  loc_format TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (jurisdiction_id, external_id),
  CHECK ((loc_lat IS NULL) = (loc_lon IS NULL))
) STRICT;
CREATE INDEX calls_by_ring ON calls (jurisdiction_id, ring_at);
CREATE INDEX calls_by_caller ON calls (jurisdiction_id, caller, ring_at);
CREATE INDEX calls_live ON calls (jurisdiction_id, ring_at) WHERE ended_at IS NULL;

CREATE TABLE call_events (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  event_id TEXT NOT NULL,
  call_record_id TEXT NOT NULL REFERENCES calls (id),
  external_call_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  caller TEXT NOT NULL DEFAULT '',
  line TEXT NOT NULL DEFAULT '',
  agent TEXT NOT NULL DEFAULT '',
  reason TEXT,
  digits TEXT NOT NULL DEFAULT '',
  silent INTEGER NOT NULL DEFAULT 0,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (jurisdiction_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX call_events_by_call ON call_events (call_record_id, at);

CREATE TABLE callers (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  number TEXT NOT NULL,
  flagged_at INTEGER,
  blocked_until INTEGER,
  strikes_since INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (jurisdiction_id, number)
) STRICT, WITHOUT ROWID;

CREATE TABLE caller_policies (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
  threshold INTEGER NOT NULL,
  window_s INTEGER NOT NULL,
  block_enabled INTEGER NOT NULL,
  block_s INTEGER NOT NULL,
  CHECK (threshold >= 1 AND window_s > 0 AND block_s > 0)
) STRICT;

CREATE TABLE callbacks (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  call_id TEXT NOT NULL UNIQUE REFERENCES calls (id),
  caller TEXT NOT NULL,
  status TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  assigned_to TEXT,
  last_result TEXT,
  note TEXT NOT NULL DEFAULT '',
  report_id TEXT REFERENCES reports (id),
  superseded_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  closed_at INTEGER,
  FOREIGN KEY (jurisdiction_id, assigned_to) REFERENCES users (jurisdiction_id, id),
  CHECK (attempts >= 0)
) STRICT;
CREATE INDEX callbacks_by_status ON callbacks (jurisdiction_id, status, due_at);
CREATE INDEX callbacks_by_caller ON callbacks (jurisdiction_id, caller);

CREATE TABLE location_records (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  call_id TEXT REFERENCES calls (id),
  number TEXT NOT NULL DEFAULT '',
  accepted INTEGER NOT NULL,
  rejection TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL,
  lat REAL,
  lon REAL,
  radius_m REAL,
  fix_time INTEGER,
  method TEXT,
  confidence INTEGER,
  altitude_m REAL,
  emergency_number TEXT NOT NULL DEFAULT '',
  network TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  call_started INTEGER,
  raw TEXT NOT NULL DEFAULT '',
  received_at INTEGER NOT NULL,
  CHECK ((lat IS NULL) = (lon IS NULL)),
  CHECK (accepted = (lat IS NOT NULL))
) STRICT;
CREATE INDEX location_records_by_call ON location_records (call_id, received_at) WHERE call_id IS NOT NULL;
CREATE INDEX location_records_by_received ON location_records (jurisdiction_id, received_at);
)sql";

// Media (issue 4): photos that agencies attach to their dispatches, bytes and all, written with
// their event. The bytes are the last column, so that the reads of the other columns (an
// incident's list of media) never load them; size is checked against them. dispatch_id
// references dispatches by id alone (no (jurisdiction_id, id) key there) and is nullable for
// media of the incident as a whole, which a later change may bring. uploaded_by has no foreign
// key, like created_by elsewhere.
extern const std::string_view schema_v4 = R"sql(
CREATE TABLE media (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT NOT NULL,
  dispatch_id TEXT REFERENCES dispatches (id),
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK (size = length(bytes)),
  CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp'))
) STRICT;
CREATE INDEX media_by_incident ON media (incident_id, created_at);
)sql";

// The call on the call taker's screen (issue 9): a user's PBX agent id, so that the console
// knows which live call is the user's own; one open callback task per number, the other
// unanswered calls of the number merged into it (merged_into), with the task's count of calls
// and the end of its latest call, from which it expires; the call the PBX placed for a callback.
extern const std::string_view schema_v5 = R"sql(
ALTER TABLE users ADD COLUMN pbx_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX users_by_pbx_agent ON users (jurisdiction_id, pbx_agent) WHERE pbx_agent <> '';
ALTER TABLE callbacks ADD COLUMN merged_into TEXT REFERENCES callbacks (id);
ALTER TABLE callbacks ADD COLUMN calls INTEGER NOT NULL DEFAULT 1 CHECK (calls >= 1);
ALTER TABLE callbacks ADD COLUMN last_call_at INTEGER;
ALTER TABLE callbacks ADD COLUMN dialed_call TEXT NOT NULL DEFAULT '';
ALTER TABLE callbacks ADD COLUMN dialed_at INTEGER;
)sql";

// Places (issue 16): the landmarks, streets and kelurahan that call takers search by name,
// each import (an OpenStreetMap extract, an admin's CSV, the demo) replaced as a whole by its
// source. folded is the name as searches compare it; the second index serves "a word starts
// with", through the words' start after a space.
extern const std::string_view schema_v6 = R"sql(
CREATE TABLE places (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  folded TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('landmark', 'street', 'village', 'other')),
  lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
  lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
  district_id TEXT,
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX places_by_folded ON places (jurisdiction_id, folded);
CREATE INDEX places_by_source ON places (jurisdiction_id, source);
)sql";

// Service levels (issue 10): the jurisdiction's working-day calendar and where its supervisors
// hear of SLA alerts (JSON like an agency's endpoints); the categories' limits in working days
// and the incident's close limit; and the alerts themselves, one row per clock, step and
// level, so that the unique key makes "notified once" hold across restarts and nodes.
// dispatch_id is '' for an incident's own clocks so that the key has no NULL in it. The outbox
// is rebuilt (SQLite cannot drop NOT NULL) so that a row for the supervisors has a NULL
// agency_id, which its foreign key lets through.
extern const std::string_view schema_v8 = R"sql(
ALTER TABLE jurisdictions ADD COLUMN weekend_days TEXT NOT NULL DEFAULT '[0,6]' CHECK (json_valid(weekend_days));
ALTER TABLE jurisdictions ADD COLUMN holidays TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(holidays));
ALTER TABLE jurisdictions ADD COLUMN alert_endpoints TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(alert_endpoints));
ALTER TABLE categories ADD COLUMN sla_close_within_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN sla_dispatch_within_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN sla_acknowledge_within_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN sla_on_scene_within_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN sla_complete_within_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE categories ADD COLUMN sla_close_within_days INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sla_alerts (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT NOT NULL,
  dispatch_id TEXT NOT NULL DEFAULT '',
  agency_id TEXT NOT NULL DEFAULT '',
  category_id TEXT NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('dispatch', 'acknowledge', 'on_scene', 'complete', 'close')),
  level TEXT NOT NULL CHECK (level IN ('warning', 'breach', 'escalation')),
  due_at INTEGER NOT NULL,
  raised_at INTEGER NOT NULL,
  resolved_at INTEGER,
  UNIQUE (incident_id, dispatch_id, step, level)
) STRICT;
CREATE INDEX sla_alerts_by_time ON sla_alerts (jurisdiction_id, raised_at);
CREATE INDEX sla_alerts_open ON sla_alerts (jurisdiction_id, raised_at) WHERE resolved_at IS NULL;

CREATE TABLE outbox_v8 (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  agency_id TEXT,
  dispatch_id TEXT,
  incident_id TEXT,
  endpoint_index INTEGER NOT NULL,
  endpoint_kind TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  event_kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  delivered_at INTEGER,
  FOREIGN KEY (jurisdiction_id, agency_id) REFERENCES agencies (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK (json_valid(payload_json)),
  CHECK (attempts >= 0 AND endpoint_index >= 0)
) STRICT;
INSERT INTO outbox_v8 SELECT id, jurisdiction_id, agency_id, dispatch_id, incident_id, endpoint_index, endpoint_kind,
  target, event_kind, payload_json, status, attempts, next_attempt_at, last_error, created_at, updated_at,
  delivered_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v8 RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_status ON outbox (jurisdiction_id, status, created_at);
CREATE INDEX outbox_by_created ON outbox (jurisdiction_id, created_at);
)sql";

// Villages (kelurahan/desa) and where a record lies in them (issue 10, migration 9). area_versions counts
// every change to a jurisdiction's districts and villages, kept by triggers so that no writer
// can forget it: the services cache the parsed boundaries and reload them when it moves.
namespace {

// reports.village_id and incidents.village_id reference villages by id alone (a column added
// by ALTER TABLE can hold only a single-column reference); the services check that the village
// is of the record's jurisdiction and inside its district.
constexpr std::string_view schema_villages_tables = R"sql(
ALTER TABLE districts ADD COLUMN boundary_approximate INTEGER NOT NULL DEFAULT 0;

CREATE TABLE villages (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  district_id TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  center_lat REAL,
  center_lon REAL,
  boundary_geojson TEXT NOT NULL DEFAULT '',
  boundary_approximate INTEGER NOT NULL DEFAULT 0,
  UNIQUE (jurisdiction_id, code),
  UNIQUE (jurisdiction_id, id),
  FOREIGN KEY (jurisdiction_id, district_id) REFERENCES districts (jurisdiction_id, id),
  CHECK ((center_lat IS NULL) = (center_lon IS NULL))
) STRICT;
CREATE INDEX villages_by_district ON villages (jurisdiction_id, district_id, code);

ALTER TABLE reports ADD COLUMN village_id TEXT REFERENCES villages (id);
ALTER TABLE incidents ADD COLUMN village_id TEXT REFERENCES villages (id);
CREATE INDEX incidents_by_village ON incidents (jurisdiction_id, village_id, created_at) WHERE village_id IS NOT NULL;
CREATE INDEX reports_by_village ON reports (jurisdiction_id, village_id, created_at) WHERE village_id IS NOT NULL;

CREATE TABLE area_versions (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO area_versions SELECT DISTINCT jurisdiction_id, 1 FROM districts;
)sql";

}  // namespace

// The tables, then one trigger per table and change that moves the jurisdiction's version.
std::string schema_villages() {
  std::string sql(schema_villages_tables);
  for (std::string_view table : {"districts", "villages"}) {
    for (auto [change, row] : {std::pair{"insert", "NEW"}, std::pair{"update", "NEW"}, std::pair{"delete", "OLD"}}) {
      sql += "CREATE TRIGGER " + std::string(table) + "_area_" + change + " AFTER " + change + " ON " +
             std::string(table) + " BEGIN\n  INSERT INTO area_versions VALUES (" + row +
             ".jurisdiction_id, 1)\n  ON CONFLICT (jurisdiction_id) DO UPDATE SET version = version + 1;\nEND;\n";
    }
  }
  return sql;
}

// Hardening (issue 12): a user an admin obliges to change their password, and the security
// events of the login rate limits. Written as 10 on the auth branch; renumbered at merge.
extern const std::string_view schema_hardening = R"sql(
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

CREATE TABLE security_events (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT REFERENCES jurisdictions (id),
  kind TEXT NOT NULL,
  username TEXT NOT NULL,
  address TEXT NOT NULL,
  at INTEGER NOT NULL,
  until INTEGER NOT NULL,
  failures INTEGER NOT NULL
) STRICT;
CREATE INDEX security_events_by_time ON security_events (jurisdiction_id, at);
)sql";

// Every channel into one queue (issue 11, migration 12): the categories an admin offers the
// public, the agency's closing note for the reporter (public_note, shown on the tracking page),
// and photos that come with a report before it has an incident. The media table is rebuilt
// (SQLite cannot drop NOT NULL) so that incident_id may wait for the report's acceptance;
// report_id ties a reporter's photo to its report and is_public marks what a call taker lets
// the tracking page show. Reports are found by their tracking code through its unique index.
extern const std::string_view schema_public_channels = R"sql(
ALTER TABLE categories ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1));
ALTER TABLE dispatches ADD COLUMN public_note TEXT NOT NULL DEFAULT '';

CREATE TABLE media_v10 (
  id TEXT NOT NULL PRIMARY KEY,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  incident_id TEXT,
  dispatch_id TEXT REFERENCES dispatches (id),
  report_id TEXT REFERENCES reports (id),
  is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  FOREIGN KEY (jurisdiction_id, incident_id) REFERENCES incidents (jurisdiction_id, id),
  CHECK (incident_id IS NOT NULL OR report_id IS NOT NULL),
  CHECK (size = length(bytes)),
  CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp'))
) STRICT;
INSERT INTO media_v10 (id, jurisdiction_id, incident_id, dispatch_id, report_id, is_public, content_type, size, sha256,
  uploaded_by, created_at, bytes)
  SELECT id, jurisdiction_id, incident_id, dispatch_id, NULL, 0, content_type, size, sha256, uploaded_by, created_at,
  bytes FROM media;
DROP TABLE media;
ALTER TABLE media_v10 RENAME TO media;
CREATE INDEX media_by_incident ON media (incident_id, created_at);
CREATE INDEX media_by_report ON media (report_id, created_at) WHERE report_id IS NOT NULL;
)sql";

// The messaging channels (issue 11: WhatsApp, Telegram, SMS): a reporter's conversation with
// the guided dialogue, kept between messages so that a restart loses no half-built report; every
// inbound message id once seen (a replayed webhook changes nothing); how a channel's report
// reaches its reporter again, with the last public status told; the providers' delivery
// receipts of the replies.
extern const std::string_view schema_messaging_channels = R"sql(
CREATE TABLE channel_conversations (
  channel TEXT NOT NULL,
  sender TEXT NOT NULL,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  reply_to TEXT NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('what', 'where', 'photo')),
  description TEXT NOT NULL DEFAULT '',
  lat REAL,
  lon REAL,
  address TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (channel, sender),
  CHECK ((lat IS NULL) = (lon IS NULL))
) STRICT;
CREATE TABLE channel_messages (
  channel TEXT NOT NULL,
  message_id TEXT NOT NULL,
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  report_id TEXT REFERENCES reports (id),
  PRIMARY KEY (channel, message_id)
) STRICT;
CREATE INDEX channel_messages_by_received ON channel_messages (jurisdiction_id, received_at);
CREATE TABLE channel_contacts (
  report_id TEXT NOT NULL PRIMARY KEY REFERENCES reports (id),
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  announced TEXT NOT NULL DEFAULT 'received'
) STRICT;
CREATE TABLE channel_statuses (
  channel TEXT NOT NULL,
  message_id TEXT NOT NULL,
  status TEXT NOT NULL,
  recipient TEXT NOT NULL,
  at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (channel, message_id, status)
) STRICT;
)sql";

// Open311 GeoReport v2 (issue 11 item 6): what a client sent with a request beyond the report
// itself. The report (channel open311) is the request; this row keeps the service code, the
// client's own description (the report's text adds the attributes for the call taker), the
// attributes, the media url, and the contact fields that only staff may read (migration 17).
extern const std::string_view schema_open311 = R"sql(
CREATE TABLE open311_requests (
  report_id TEXT NOT NULL PRIMARY KEY REFERENCES reports (id),
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  service_code TEXT NOT NULL,
  description TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
  media_url TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  device_id TEXT NOT NULL DEFAULT '',
  account_id TEXT NOT NULL DEFAULT '',
  api_key_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX open311_requests_by_created ON open311_requests (jurisdiction_id, created_at);
)sql";

// Personal data by design (issue 12, UU PDP): event hash version 2. New events carry the
// SHA-256 of their personal subject id and payload (payload_digest) and are hashed over it, so
// that the payload can later be erased (erased_at set) while the chain still verifies. The
// append-only trigger is replaced by one that allows exactly that one change to a version-2
// row; rows written before this migration (empty digest) stay unchangeable.
extern const std::string_view schema_erasable_events = R"sql(
ALTER TABLE events ADD COLUMN payload_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN erased_at INTEGER;
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL AND OLD.payload_digest <> ''
          AND NEW.payload_digest = OLD.payload_digest AND NEW.hash = OLD.hash AND NEW.prev_hash = OLD.prev_hash
          AND NEW.seq = OLD.seq AND NEW.id = OLD.id AND NEW.jurisdiction_id = OLD.jurisdiction_id
          AND NEW.subject = OLD.subject AND NEW.incident_id IS OLD.incident_id AND NEW.agency_id IS OLD.agency_id
          AND NEW.kind = OLD.kind AND NEW.actor_id = OLD.actor_id AND NEW.at = OLD.at
          AND NEW.payload_json = '{"erased":true}'
          AND (NEW.subject_id = OLD.subject_id OR (OLD.subject = 'caller' AND NEW.subject_id = 'erased')))
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: only the payload of a version-2 event may be erased');
END;
)sql";

// SP4N-LAPOR! (issue 11 item 7): every complaint imported from LAPOR!, once per tracking id and
// jurisdiction (the report, channel lapor, is the complaint; this row keeps LAPOR!'s whole text,
// category and attachment urls), and each jurisdiction's cursor into LAPOR!'s feed, so that a
// restart continues where the last import stopped (migration 19).
extern const std::string_view schema_lapor = R"sql(
CREATE TABLE lapor_reports (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  lapor_id TEXT NOT NULL,
  report_id TEXT NOT NULL UNIQUE REFERENCES reports (id),
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  attachments TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(attachments)),
  anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
  submitted_at INTEGER NOT NULL,
  imported_at INTEGER NOT NULL,
  PRIMARY KEY (jurisdiction_id, lapor_id)
) STRICT;
CREATE TABLE lapor_cursors (
  jurisdiction_id TEXT NOT NULL PRIMARY KEY REFERENCES jurisdictions (id),
  cursor TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
)sql";

// Retention of photos and location fixes (issue 12, UU PDP): when a photo's bytes were erased
// (the row stays with its SHA-256) and when a report's point, a location record or a call's
// accepted fix was coarsened to about a village, so that each is done once and views can say so.
// The partial index serves the retention job's search for photos not yet erased.
extern const std::string_view schema_retention = R"sql(
ALTER TABLE media ADD COLUMN erased_at INTEGER;
ALTER TABLE reports ADD COLUMN location_coarsened_at INTEGER;
ALTER TABLE location_records ADD COLUMN coarsened_at INTEGER;
ALTER TABLE calls ADD COLUMN loc_coarsened_at INTEGER;
CREATE INDEX media_to_erase ON media (jurisdiction_id, created_at) WHERE erased_at IS NULL;
)sql";

// Idempotency-Keys (issue 13 item 4): the key of a request that created an incident or a
// report, written in the same command as the record, so that a retried request finds it and
// answers the first record; keys older than a day are purged (services/idempotency.hpp).
extern const std::string_view schema_idempotency = R"sql(
CREATE TABLE idempotency_keys (
  jurisdiction_id TEXT NOT NULL REFERENCES jurisdictions (id),
  kind TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  record_id TEXT NOT NULL,
  request_digest TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (jurisdiction_id, kind, idempotency_key)
) STRICT;
CREATE INDEX idempotency_keys_by_created ON idempotency_keys (created_at);
)sql";

// The callbacks by number only while they wait (issue 14): the caller's card and the default
// list ask for a number's open and in-progress tasks; a whole index by number rewrote a page of
// its own for every unanswered call, a seventh of what a bridge's commit wrote, and a history's
// tasks are expired from the start. A number's tasks in any status are found through its calls
// (calls_by_caller, then callbacks' call_id).
extern const std::string_view schema_waiting_callbacks = R"sql(
DROP INDEX callbacks_by_caller;
CREATE INDEX callbacks_waiting_by_caller ON callbacks (jurisdiction_id, caller) WHERE status IN ('open', 'in_progress');
)sql";

}  // namespace siaga::storage::sqlite::migration_texts
