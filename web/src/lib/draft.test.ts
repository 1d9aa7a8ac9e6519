import { describe, expect, it } from 'vitest';
import type { Category, District } from '../api/types';
import { acceptBody, agencyChips, autoSummary, blankDraft, classifyReportBody, draftReducer, reportBody, submitProblem, type Draft } from './draft';
import { FIRE_SLA, report } from './fixtures.test-util';

const districts: District[] = [
  { id: 'sirimau', code: 'SRM', name: 'Sirimau', center: { lat: -3.6946, lon: 128.1797 }, boundary: null },
  { id: 'baguala', code: 'BGL', name: 'Baguala', center: { lat: -3.6415, lon: 128.2655 }, boundary: null },
];
const fire: Category = {
  id: 'fire',
  code: 'FIRE',
  name_id: 'Kebakaran',
  name_en: 'Fire',
  urgency: 'emergency',
  run_card: [
    { agency_id: 'damkar', role: 'primary' },
    { agency_id: 'pln', role: 'supporting' },
  ],
  sop: ['Tanya korban', 'Tanya akses jalan'],
  sla: FIRE_SLA,
  active: true,
};
const flood: Category = { ...fire, id: 'flood', code: 'FLOOD', name_id: 'Banjir', run_card: [{ agency_id: 'bpbd', role: 'primary' }] };

const run = (...actions: Parameters<typeof draftReducer>[1][]) => actions.reduce(draftReducer, blankDraft());

describe('draftReducer', () => {
  it('brings the run card with a category and starts the SOP over', () => {
    const d = run({ type: 'choose_category', category: fire }, { type: 'toggle_sop', index: 1 }, { type: 'choose_category', category: flood });
    expect(d.category_id).toBe('flood');
    expect(d.agency_ids).toEqual(['bpbd']);
    expect(d.sop_done).toEqual([]);
  });

  it('toggles agencies and adds one only once', () => {
    const d = run(
      { type: 'choose_category', category: fire },
      { type: 'toggle_agency', agency_id: 'pln' },
      { type: 'add_agency', agency_id: 'rsud' },
      { type: 'add_agency', agency_id: 'rsud' },
    );
    expect(d.agency_ids).toEqual(['damkar', 'rsud']);
    expect(agencyChips(d, fire)).toEqual(['damkar', 'pln', 'rsud']);
  });

  it('takes the district from a picked point unless one is given, and the address only when given', () => {
    const typed = run({ type: 'edit', patch: { address: 'Jl. Sultan Hairun' } });
    const picked = draftReducer(typed, { type: 'set_location', location: { lat: -3.6416, lon: 128.2654 }, districts });
    expect(picked.district_id).toBe('baguala');
    expect(picked.address).toBe('Jl. Sultan Hairun');
    const place = draftReducer(typed, { type: 'set_location', location: { lat: -3.6416, lon: 128.2654 }, districts, address: 'Gong Perdamaian', district_id: 'sirimau' });
    expect(place.district_id).toBe('sirimau');
    expect(place.address).toBe('Gong Perdamaian');
  });

  it('loads a queued report with its run card and a district from its point', () => {
    const r = report({ id: 'r1', category_id: 'fire', location: { lat: -3.6947, lon: 128.1798 }, address: 'Pasar Mardika', description: 'asap' });
    const d = run({ type: 'choose_category', category: flood }, { type: 'load_report', report: r, categories: [fire, flood], districts });
    expect(d.report?.id).toBe('r1');
    expect(d.agency_ids).toEqual(['damkar', 'pln']);
    expect(d.district_id).toBe('sirimau');
    // The masked view stays on the report; the form holds no contact until the reveal.
    expect(d.reporter_phone).toBe('');
    expect(d.reporter_name).toBe('');
    expect(d.report?.reporter.phone).toBe('+62 ••• •••• 7890');
    expect(d.description).toBe('asap');
  });

  it('takes the contact of the audited reveal for the loaded report only', () => {
    const loaded = run({ type: 'load_report', report: report({ id: 'r1' }), categories: [], districts });
    const other = draftReducer(loaded, { type: 'contact_revealed', contact: { report_id: 'r2', name: 'Salma', phone: '+6281234567890' } });
    expect(other).toBe(loaded);
    const d = draftReducer(loaded, { type: 'contact_revealed', contact: { report_id: 'r1', name: 'Salma', phone: '+6281234567890' } });
    expect(d).toMatchObject({ reporter_name: 'Salma', reporter_phone: '+6281234567890' });
    expect(draftReducer(blankDraft(), { type: 'contact_revealed', contact: { report_id: 'r1', name: 'x', phone: '+62811' } })).toEqual(blankDraft());
  });

  it('keeps the reporter of a saved report: edits of name, phone or channel are ignored', () => {
    const d = run(
      { type: 'load_report', report: report({ id: 'r1' }), categories: [], districts },
      { type: 'contact_revealed', contact: { report_id: 'r1', name: 'Salma', phone: '+6281234567890' } },
      { type: 'edit', patch: { reporter_phone: '0811', channel: 'web', description: 'baru' } },
    );
    expect(d.reporter_phone).toBe('+6281234567890');
    expect(d.channel).toBe('call');
    expect(d.description).toBe('baru');
  });

  it('starts an answered call with the caller and the phone location, and forgets it on reset', () => {
    const d = run({ type: 'start_call', call_id: 'c1', caller: '+6281111', location: { lat: -3.6946, lon: 128.1797 }, districts });
    expect(d).toMatchObject({ call_id: 'c1', reporter_phone: '+6281111', district_id: 'sirimau', channel: 'call', report: null });
    expect(draftReducer(d, { type: 'reset' })).toEqual(blankDraft());
  });

  it('never changes the draft it is given', () => {
    const d = run({ type: 'choose_category', category: fire });
    const copy = structuredClone(d);
    draftReducer(d, { type: 'toggle_agency', agency_id: 'damkar' });
    draftReducer(d, { type: 'toggle_sop', index: 0 });
    expect(d).toEqual(copy);
  });
});

describe('the bodies the form sends', () => {
  const d: Draft = { ...run({ type: 'choose_category', category: fire }), address: 'Jl. Pattimura, Ambon', reporter_phone: '0812 3456 7890', summary: ' ' };

  it('says what is missing before a save', () => {
    expect(submitProblem(blankDraft(), false)).toBe('need_category');
    expect(submitProblem({ ...d, agency_ids: [] }, true)).toBe('need_agency');
    expect(submitProblem({ ...d, agency_ids: [] }, false)).toBeNull();
    expect(submitProblem(d, true)).toBeNull();
  });

  it('summarises by category and the first part of the address, else the district', () => {
    expect(autoSummary(d, 'Kebakaran', 'Sirimau')).toBe('Kebakaran di Jl. Pattimura');
    expect(autoSummary({ ...d, address: '' }, 'Kebakaran', 'Sirimau')).toBe('Kebakaran di Sirimau');
    expect(autoSummary(d, null, 'Sirimau')).toBe('');
  });

  it('normalises the phone of a typed report and leaves the caller out of a classified call', () => {
    expect(reportBody(d).reporter_phone).toBe('+6281234567890');
    expect(classifyReportBody(d)).not.toHaveProperty('reporter_phone');
    expect(classifyReportBody(d)).not.toHaveProperty('channel');
  });

  it('sends agencies only with a dispatch and the typed summary before the fallback', () => {
    expect(acceptBody(d, false, 'auto')).not.toHaveProperty('agency_ids');
    expect(acceptBody(d, true, 'auto')).toMatchObject({ agency_ids: ['damkar', 'pln'], summary: 'auto', dispatch: true });
    expect(acceptBody({ ...d, summary: 'Rumah terbakar' }, true, 'auto').summary).toBe('Rumah terbakar');
  });
});
