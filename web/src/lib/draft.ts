// The call taker's draft: what the incident form holds, and every change to it as one pure
// reducer, so that the form's parts only render and send actions, and each rule (a category
// brings its run card, a point brings its district, a loaded report locks the reporter) is
// tested without a browser.
import type { Category, Channel, District, GeoPoint, Report, RevealedContact } from '../api/types';
import { districtOf } from './geo';
import { normalisePhone } from './mask';

export interface Draft {
  /** The queued report this form works on; null for a new one. */
  report: Report | null;
  /** The answered call this report is about: on save it is classified valid and linked. */
  call_id: string | null;
  category_id: string | null;
  agency_ids: string[];
  location: GeoPoint | null;
  address: string;
  district_id: string | null;
  channel: Channel;
  /** The reporter as typed, from the live call, or revealed (a loaded report's contact stays
   * empty here until POST /reports/{id}/contact gives it; report.reporter has the masked view). */
  reporter_name: string;
  reporter_phone: string;
  share_contact: boolean;
  description: string;
  summary: string;
  sop_done: number[];
}

export const blankDraft = (): Draft => ({
  report: null,
  call_id: null,
  category_id: null,
  agency_ids: [],
  location: null,
  address: '',
  district_id: null,
  channel: 'call',
  reporter_name: '',
  reporter_phone: '',
  share_contact: false,
  description: '',
  summary: '',
  sop_done: [],
});

/** The agencies of a category's run card, in its order; none for no category. */
export const runCardIds = (c: Category | undefined) => (c ? c.run_card.map((e) => e.agency_id) : []);

/** The fields the form edits as typed, without a rule attached. */
export type DraftText = Pick<Draft, 'address' | 'district_id' | 'reporter_name' | 'reporter_phone' | 'channel' | 'share_contact' | 'description' | 'summary'>;

export type DraftAction =
  | { type: 'reset' }
  /** A queued report opened: its fields, its category's run card, its district from its point. */
  | { type: 'load_report'; report: Report; categories: Category[]; districts: District[] }
  /** "Valid" on an answered call: the caller's number and the phone's location. */
  | { type: 'start_call'; call_id: string; caller: string; location: GeoPoint | null; districts: District[] }
  /** A category chosen: its run card replaces the agencies, the SOP starts over. */
  | { type: 'choose_category'; category: Category }
  | { type: 'clear_category' }
  | { type: 'toggle_agency'; agency_id: string }
  | { type: 'add_agency'; agency_id: string }
  /** A point picked: the district follows it unless one is given; the address only when given. */
  | { type: 'set_location'; location: GeoPoint; districts: District[]; address?: string; district_id?: string | null }
  | { type: 'edit'; patch: Partial<DraftText> }
  | { type: 'toggle_sop'; index: number }
  /** The report was saved (an answered call classified): the form now works on it. */
  | { type: 'report_saved'; report: Report }
  /** The loaded report's contact came from the audited reveal: the form shows it. */
  | { type: 'contact_revealed'; contact: RevealedContact };

const toggle = <T>(list: T[], x: T) => (list.includes(x) ? list.filter((y) => y !== x) : [...list, x]);

/** Returns the draft after one action; never changes its argument. */
export function draftReducer(d: Draft, a: DraftAction): Draft {
  switch (a.type) {
    case 'reset':
      return blankDraft();
    case 'load_report': {
      const r = a.report;
      const cat = a.categories.find((c) => c.id === r.category_id);
      // The API does not assign a district from a point: do it here when the report has none.
      const district = r.district_id ?? (r.location ? (districtOf(r.location, a.districts)?.id ?? null) : null);
      return {
        ...blankDraft(),
        report: r,
        category_id: r.category_id,
        agency_ids: runCardIds(cat),
        location: r.location,
        address: r.address,
        district_id: district,
        channel: r.channel,
        // Masked in every view (UU PDP): the contact comes only through the audited reveal.
        reporter_name: '',
        reporter_phone: '',
        description: r.description,
      };
    }
    case 'start_call':
      return {
        ...blankDraft(),
        call_id: a.call_id,
        channel: 'call',
        reporter_phone: a.caller,
        location: a.location,
        district_id: a.location ? (districtOf(a.location, a.districts)?.id ?? null) : null,
      };
    case 'choose_category':
      return { ...d, category_id: a.category.id, agency_ids: runCardIds(a.category), sop_done: [] };
    case 'clear_category':
      return { ...d, category_id: null };
    case 'toggle_agency':
      return { ...d, agency_ids: toggle(d.agency_ids, a.agency_id) };
    case 'add_agency':
      return d.agency_ids.includes(a.agency_id) ? d : { ...d, agency_ids: [...d.agency_ids, a.agency_id] };
    case 'set_location': {
      const district = a.district_id ?? districtOf(a.location, a.districts)?.id ?? null;
      return { ...d, location: a.location, district_id: district, ...(a.address !== undefined ? { address: a.address } : {}) };
    }
    case 'edit':
      // The reporter of a saved report is the report's, not the form's.
      if (d.report && (a.patch.reporter_name !== undefined || a.patch.reporter_phone !== undefined || a.patch.channel !== undefined)) {
        const { reporter_name: _n, reporter_phone: _p, channel: _c, ...rest } = a.patch;
        return { ...d, ...rest };
      }
      return { ...d, ...a.patch };
    case 'toggle_sop':
      return { ...d, sop_done: toggle(d.sop_done, a.index) };
    case 'report_saved':
      return { ...d, report: a.report };
    case 'contact_revealed':
      // A reveal for a report the form no longer holds changes nothing.
      if (!d.report || d.report.id !== a.contact.report_id) return d;
      return { ...d, reporter_name: a.contact.name ?? '', reporter_phone: a.contact.phone ?? '' };
  }
}

/** The summary used when none is typed: "<category> di <first part of the address or district>". */
export function autoSummary(d: Draft, categoryName: string | null, districtName: string | null): string {
  if (!categoryName) return '';
  const place = d.address.split(',')[0]?.trim() || districtName || '';
  return `${categoryName}${place ? ' di ' + place : ''}`;
}

/** The body of POST /reports for a new report typed into the form. */
export function reportBody(d: Draft) {
  return {
    channel: d.channel,
    reporter_name: d.reporter_name.trim() || undefined,
    reporter_phone: d.reporter_phone.trim() ? normalisePhone(d.reporter_phone) : undefined,
    description: d.description,
    category_id: d.category_id ?? undefined,
    location: d.location ?? undefined,
    address: d.address,
    district_id: d.district_id ?? undefined,
  };
}

/** The report of POST /calls/{id}/classify: the caller's number and channel come from the call. */
export function classifyReportBody(d: Draft) {
  const { channel: _channel, reporter_phone: _phone, ...report } = reportBody(d);
  return report;
}

/** The body of POST /reports/{id}/accept that creates an incident, dispatched or not. */
export function acceptBody(d: Draft, dispatch: boolean, fallbackSummary: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    category_id: d.category_id,
    summary: d.summary.trim() || fallbackSummary || undefined,
    description: d.description,
    location: d.location ?? undefined,
    address: d.address,
    district_id: d.district_id ?? undefined,
    dispatch,
    share_contact: d.share_contact,
  };
  if (dispatch) body.agency_ids = d.agency_ids;
  return body;
}

/** Why the draft cannot be saved yet (an i18n key), or null when it can. */
export function submitProblem(d: Draft, dispatch: boolean): 'need_category' | 'need_agency' | null {
  if (!d.category_id) return 'need_category';
  if (dispatch && !d.agency_ids.length) return 'need_agency';
  return null;
}

/** The agency chips to show: the run card first, then the agencies added by hand. */
export const agencyChips = (d: Draft, cat: Category | undefined) => [...new Set([...runCardIds(cat), ...d.agency_ids])];
