// JSON shapes of the Siaga 112 REST API (docs/openapi.json; src/api/views.cpp).

export type Role = 'admin' | 'supervisor' | 'call_taker' | 'agency_operator' | 'leader';
export type Urgency = 'emergency' | 'urgent' | 'information' | 'complaint';
export type Channel =
  | 'call'
  | 'web'
  | 'whatsapp'
  | 'app'
  | 'lapor'
  | 'open311'
  | 'telegram'
  | 'walk_in'
  | 'sms'
  | 'radio'
  | 'cctv'
  | 'handover';
export type ReportStatus = 'new' | 'accepted' | 'rejected' | 'answered';
export type RejectReason = 'prank' | 'ghost' | 'misdirected' | 'duplicate' | 'test';
export type IncidentStatus = 'open' | 'dispatched' | 'in_progress' | 'resolved' | 'closed' | 'cancelled';
export type DispatchStatus =
  | 'notified'
  | 'acknowledged'
  | 'en_route'
  | 'on_scene'
  | 'completed'
  | 'declined'
  | 'cancelled';
export type DispatchRole = 'primary' | 'supporting';
export type AgencyKind =
  | 'fire'
  | 'health'
  | 'disaster'
  | 'civil_order'
  | 'police'
  | 'electricity'
  | 'water'
  | 'transport'
  | 'public_works'
  | 'social'
  | 'blood'
  | 'hospital'
  | 'search_rescue'
  | 'other';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface Jurisdiction {
  id: string;
  code: string;
  name: string;
  timezone: string;
  incident_prefix: string;
}

export interface District {
  id: string;
  code: string;
  name: string;
  center: GeoPoint | null;
  boundary: GeoJsonGeometry | null;
}

export interface GeoJsonGeometry {
  type: string;
  coordinates?: unknown;
}

/** How an agency's acknowledgement reaches the centre: its console, the delivery of its notice, or a call. */
export type AckVia = 'console' | 'phone' | 'delivery_receipt';

export interface Agency {
  id: string;
  code: string;
  name: string;
  kind: AgencyKind;
  phone: string;
  active: boolean;
  /** In the agency list: how it acknowledges dispatches. */
  acknowledged_by?: AckVia;
}

export interface RunCardEntry {
  agency_id: string;
  role: DispatchRole;
}

export interface SlaPolicy {
  dispatch_within_s: number;
  acknowledge_within_s: number;
  on_scene_within_s: number;
  complete_within_s: number;
  close_within_s: number;
  dispatch_within_days: number;
  acknowledge_within_days: number;
  on_scene_within_days: number;
  complete_within_days: number;
  close_within_days: number;
}

export interface Category {
  id: string;
  code: string;
  name_id: string;
  name_en: string;
  urgency: Urgency;
  run_card: RunCardEntry[];
  sop: string[];
  sla: SlaPolicy;
  active: boolean;
}

export interface User {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  agency_id: string | null;
  active: boolean;
  /** The PBX agent id or extension the user answers calls as; "" when none. */
  pbx_agent?: string;
  /** An admin requires a new password: the console shows only the change-password screen. */
  must_change_password?: boolean;
  created_at: string;
}

/** A login rate limit that acted (GET /api/v1/security/events). */
export interface SecurityEvent {
  id: string;
  kind: 'login.locked_address' | 'login.locked_account_address' | 'login.backoff_account' | string;
  username: string;
  address: string;
  at: string;
  until: string;
  failures: number;
}

/** A reporter's contact from the audited reveal (POST /api/v1/reports/{id}/contact). */
export interface RevealedContact {
  report_id: string;
  name: string | null;
  phone: string | null;
}

/** A caller's number from the audited reveal (POST /api/v1/calls/{id}/caller). */
export interface RevealedCaller {
  call_id: string;
  caller: string | null;
}

/** Who revealed which reporter's contact or caller's number (GET /api/v1/audit/reveals). */
export interface ContactReveal {
  seq: number;
  kind: 'report' | 'call';
  report_id: string | null;
  call_id: string | null;
  incident_id: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface Me extends User {
  jurisdiction: Jurisdiction | null;
  agency?: Agency | null;
}

/** The reporter as every report view gives it: masked for every role (UU PDP); the full
 * contact only from the audited reveal (POST /reports/{id}/contact). */
export interface Reporter {
  /** Always null: the name comes with the reveal. */
  name: string | null;
  /** The masked number ("+62 ••• •••• 6789"), or null when there is none. */
  phone: string | null;
  has_name: boolean;
  masked: boolean;
  /** This viewer may reveal the contact, and there is one. */
  can_reveal: boolean;
}

export interface Report {
  id: string;
  tracking_code: string;
  channel: Channel;
  status: ReportStatus;
  reporter: Reporter;
  description: string;
  category_id: string | null;
  location: GeoPoint | null;
  address: string;
  district_id: string | null;
  incident_id: string | null;
  reject_reason: RejectReason | null;
  resolution_note: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface Incident {
  id: string;
  number: string;
  category_id: string;
  urgency: Urgency;
  status: IncidentStatus;
  summary: string;
  description: string;
  location: GeoPoint | null;
  address: string;
  district_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  first_dispatched_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
}

export interface Dispatch {
  id: string;
  incident_id: string;
  agency_id: string;
  role: DispatchRole;
  status: DispatchStatus;
  share_contact: boolean;
  note: string;
  /** The agency's closing words for the reporter, shown on the public tracking page. */
  public_note: string;
  decline_reason: string;
  notified_at: string | null;
  acknowledged_at: string | null;
  en_route_at: string | null;
  on_scene_at: string | null;
  completed_at: string | null;
  declined_at: string | null;
  cancelled_at: string | null;
  updated_at: string | null;
}

export interface SiagaEvent {
  seq: number;
  id: string;
  kind: string;
  subject: string;
  subject_id: string;
  incident_id: string | null;
  agency_id: string | null;
  actor_id: string;
  at: string;
  payload: Record<string, unknown>;
  hash: string;
}

/** A photo attached to a dispatch (its bytes are at url). */
export interface Media {
  id: string;
  incident_id: string | null;
  dispatch_id: string | null;
  /** The report it came with (public channels); absent from older servers. */
  report_id?: string | null;
  /** Shown on the report's public tracking page. */
  public?: boolean;
  content_type: string;
  size: number;
  sha256: string;
  uploaded_by: string;
  created_at: string;
  /** When retention or a data subject's request erased the bytes (the record stays); then
   * url is null and erased_note says so ("foto dihapus (retensi)"). */
  erased_at?: string | null;
  erased_note?: string | null;
  url: string | null;
}

export interface IncidentDetail extends Incident {
  reports: Report[];
  dispatches: Dispatch[];
  events: SiagaEvent[];
  /** Absent from servers older than photos. */
  media?: Media[];
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ItemList<T> {
  items: T[];
}

export interface LoginResponse {
  token: string;
  expires_at: string;
  user: User;
}

export const ACTIVE_INCIDENT: readonly IncidentStatus[] = ['open', 'dispatched', 'in_progress'];
export const ACTIVE_DISPATCH: readonly DispatchStatus[] = ['notified', 'acknowledged', 'en_route', 'on_scene'];

// ---------- calls (the call on the call taker's screen) ----------

export type CallClass = 'valid' | 'prank' | 'ghost' | 'information' | 'misdirected' | 'test';
export type CallPhase = 'ringing' | 'queued' | 'talking' | 'ended';
export type DecisionKind = 'allow' | 'warn' | 'block';

export interface CallLocation {
  lat: number;
  lon: number;
  radius_m: number | null;
  at: string | null;
  method: string;
  format: string;
}

export interface Call {
  id: string;
  external_id: string;
  caller: string;
  /** The number is masked: the call is no longer live (reveal with POST /calls/{id}/caller). */
  caller_masked: boolean;
  line: string;
  phase: CallPhase;
  ring_at: string | null;
  answered_at: string | null;
  ended_at: string | null;
  wait_s: number | null;
  answered_by: string;
  agent: string;
  outcome: 'answered' | 'abandoned' | 'missed' | null;
  classification: CallClass | null;
  classification_source: 'manual' | 'automatic' | null;
  report_id: string | null;
  location: CallLocation | null;
}

export interface CallerDecision {
  number: string;
  decision: DecisionKind;
  reason_code: string;
  reason?: string;
  recent_strikes?: number;
}

export interface CallerHistory {
  calls: number;
  answered: number;
  abandoned: number;
  missed: number;
  valid: number;
  prank: number;
  ghost: number;
  information: number;
  misdirected: number;
  test: number;
  first_call_at: string | null;
  last_call_at: string | null;
}

export interface CallbackTask {
  id: string;
  call_id: string;
  caller: string;
  /** The number is masked: the task is closed (reveal through its call). */
  caller_masked: boolean;
  status: string;
  due_at: string;
  overdue_s: number | null;
  attempts: number;
  calls?: number;
}

export interface CallerCard {
  number: string;
  decision: CallerDecision;
  history: CallerHistory | null;
  flags: { flagged_at: string | null; blocked_until: string | null; strikes_since: string | null };
  recent_calls: Call[];
  open_callbacks: CallbackTask[];
  open_reports?: { report: Report; incident: Incident | null }[];
}

export interface LocationFix {
  lat: number;
  lon: number;
  radius_m: number | null;
  fix_time: string | null;
  method: string;
}

export interface LocationRecord {
  id: string;
  call_id: string | null;
  number: string;
  accepted: boolean;
  format: string;
  fix: LocationFix | null;
  received_at: string;
}

export type PlaceKind = 'landmark' | 'street' | 'village' | 'other';

/** A place of the gazetteer (GET /places?q=): a landmark, street or kelurahan by name. */
export interface GazetteerPlace {
  id: string;
  name: string;
  kind: PlaceKind;
  location: GeoPoint;
  district_id: string | null;
  source: string;
}
