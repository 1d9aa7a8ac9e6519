// web/src/api/types.ts is written by hand for readability; this test holds it to the server's
// OpenAPI document (docs/openapi.json): every field an interface declares must exist in its
// schema (following allOf), and every enum type must list exactly the schema's values. A field
// renamed or dropped on one side fails here, not in a console at run time.
import { describe, expect, it } from 'vitest';
import docText from '../../../docs/openapi.json?raw';
import source from './types.ts?raw';

type Schema = { $ref?: string; allOf?: Schema[]; properties?: Record<string, Schema>; enum?: string[]; type?: string };
const doc = JSON.parse(docText) as { components: { schemas: Record<string, Schema> } };
const schemas = doc.components.schemas;

/** The properties of a schema, through $ref and allOf. */
export function propertiesOf(s: Schema | undefined, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  if (!s) return out;
  if (s.$ref) {
    const name = s.$ref.split('/').pop()!;
    if (seen.has(name)) return out;
    seen.add(name);
    return propertiesOf(schemas[name], seen);
  }
  for (const k of Object.keys(s.properties ?? {})) out.add(k);
  for (const part of s.allOf ?? []) for (const k of propertiesOf(part, seen)) out.add(k);
  return out;
}

/** The fields an interface of types.ts declares, with those of the interfaces it extends. */
export function fieldsOf(name: string, text = source): Set<string> {
  const m = new RegExp(`export interface ${name}(?:<[^>]*>)?(?: extends ([\\w, ]+))? \\{([\\s\\S]*?)\\n\\}`).exec(text);
  if (!m) throw new Error(`types.ts has no interface ${name}`);
  const out = new Set<string>();
  for (const line of m[2]!.split('\n')) {
    const f = /^ {2}(\w+)\??:/.exec(line);
    if (f) out.add(f[1]!);
  }
  for (const base of (m[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean)) for (const k of fieldsOf(base, text)) out.add(k);
  return out;
}

/** The string values of a union type alias of types.ts. */
export function unionOf(name: string, text = source): string[] {
  const m = new RegExp(`export type ${name} =([^;]*);`).exec(text);
  if (!m) throw new Error(`types.ts has no type ${name}`);
  return [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!).sort();
}

// interface in types.ts -> schema in docs/openapi.json
const INTERFACES: Record<string, string> = {
  GeoPoint: 'GeoPoint',
  Jurisdiction: 'Jurisdiction',
  District: 'District',
  Agency: 'Agency',
  RunCardEntry: 'RunCardEntry',
  SlaPolicy: 'SlaPolicy',
  Category: 'Category',
  User: 'User',
  Me: 'Me',
  Reporter: 'Reporter',
  Report: 'Report',
  Incident: 'Incident',
  Dispatch: 'Dispatch',
  SiagaEvent: 'Event',
  Media: 'Media',
  IncidentDetail: 'IncidentDetail',
  LoginResponse: 'LoginResponse',
  CallLocation: 'CallLocation',
  Call: 'Call',
  CallerDecision: 'CallerDecision',
  CallerHistory: 'CallerHistory',
  CallbackTask: 'Callback',
  CallerCard: 'CallerDetail',
  LocationFix: 'LocationFix',
  LocationRecord: 'LocationRecord',
  GazetteerPlace: 'Place',
};

const ENUMS: Record<string, string> = {
  Role: 'Role',
  Urgency: 'Urgency',
  Channel: 'Channel',
  ReportStatus: 'ReportStatus',
  RejectReason: 'RejectReason',
  IncidentStatus: 'IncidentStatus',
  DispatchStatus: 'DispatchStatus',
  DispatchRole: 'DispatchRole',
  AgencyKind: 'AgencyKind',
  CallClass: 'CallClass',
  DecisionKind: 'CallerDecisionKind',
  AckVia: 'AckVia',
  PlaceKind: 'PlaceKind',
};

describe('types.ts against docs/openapi.json', () => {
  for (const [iface, schema] of Object.entries(INTERFACES)) {
    it(`${iface} declares only fields of ${schema}`, () => {
      expect(schemas[schema], `schema ${schema}`).toBeDefined();
      const known = propertiesOf(schemas[schema]);
      const unknown = [...fieldsOf(iface)].filter((f) => !known.has(f));
      expect(unknown, `${iface} fields missing from ${schema}`).toEqual([]);
    });
  }
  for (const [alias, schema] of Object.entries(ENUMS)) {
    it(`${alias} lists the values of ${schema}`, () => {
      expect(unionOf(alias)).toEqual([...(schemas[schema]?.enum ?? [])].sort());
    });
  }
  it('catches a drifted field (the check itself can fail)', () => {
    const drifted = source.replace('export interface Incident {', 'export interface Incident {\n  no_such_field: string;');
    const known = propertiesOf(schemas.Incident);
    expect([...fieldsOf('Incident', drifted)].filter((f) => !known.has(f))).toEqual(['no_such_field']);
  });
});
