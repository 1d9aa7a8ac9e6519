// The statistics' interfaces of stats.ts held to the server's OpenAPI document: every field
// they declare must be in the schema (the dimensions of a count item are open by design).
import { describe, expect, it } from 'vitest';
import docText from '../../../docs/openapi.json?raw';
import source from './stats.ts?raw';

type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema };
const schemas = (JSON.parse(docText) as { components: { schemas: Record<string, Schema> } }).components.schemas;

function fieldsOf(name: string, text = source): string[] {
  const m = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(text);
  if (!m) throw new Error(`stats.ts has no interface ${name}`);
  return [...m[1]!.matchAll(/^ {2}'?(\w+)'?\??:/gm)].map((f) => f[1]!);
}

const itemsOf = (s: Schema | undefined) => s?.properties?.items?.items;
const DIMENSIONS = ['category', 'urgency', 'district', 'status', 'agency'];

const CHECKS: [string, Schema | undefined, string[]][] = [
  ['CountStats', schemas.StatsCounts, []],
  ['CountItem', itemsOf(schemas.StatsCounts), DIMENSIONS],
  ['DispatchStats', schemas.DispatchStats, []],
  ['DispatchItem', itemsOf(schemas.DispatchStats), DIMENSIONS],
  ['StepStats', schemas.StepStats, []],
  ['CallStats', schemas.CallStats, []],
  ['CallBucket', schemas.CallStatsBucket, []],
];

describe('stats.ts against docs/openapi.json', () => {
  for (const [iface, schema, open] of CHECKS) {
    it(`${iface} declares only fields of the schema`, () => {
      expect(schema, iface).toBeDefined();
      const known = new Set([...Object.keys(schema!.properties ?? {}), ...open]);
      expect(fieldsOf(iface).filter((f) => !known.has(f))).toEqual([]);
    });
  }
  it('catches a drifted field (the check itself can fail)', () => {
    const drifted = source.replace('export interface StepStats {', 'export interface StepStats {\n  p99_s: number;');
    const known = new Set(Object.keys(schemas.StepStats!.properties ?? {}));
    expect(fieldsOf('StepStats', drifted).filter((f) => !known.has(f))).toEqual(['p99_s']);
  });
});
