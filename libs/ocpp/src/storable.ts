/**
 * Storable or refused, never both: the bounds the OCPP 1.6 JSON schemas leave out but the specification
 * (and every column a value lands in) has. The schemas say `"type": "integer"` and `"format": "date-time"`
 * and nothing more, so a frame with `connectorId: 2147483648` or a timestamp in year 0000 passes schema
 * validation, is acknowledged, and then fails in PostgreSQL or in `Date` long after the charger was told
 * it is stored (a poison message). These rules are applied to the schemas themselves before compiling,
 * so the ordinary validation refuses such a frame with the CALLERROR code its keyword maps to
 * (maximum/minimum/format -> PropertyConstraintViolation, minItems -> OccurenceConstraintViolation).
 * See docs/ocpp-rules.md, "Values we can store".
 */

/** OCPP 1.6 integers are 32-bit signed: the 1.6 SOAP WSDLs type these fields `xs:int`, and our columns are `integer`. */
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

/**
 * Timestamps we accept: 1970 (the year a charger whose real-time clock was never set reports) to 9999 (the
 * last a four-digit RFC 3339 year can say). Year 0000 does not exist in PostgreSQL; nothing real precedes 1970.
 */
export const MIN_TIMESTAMP_YEAR = 1970;
export const MAX_TIMESTAMP_YEAR = 9999;

interface SchemaNode {
  type?: string | string[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  [keyword: string]: unknown;
}

/**
 * Arrays the specification requires to hold at least one element (cardinality 1..*) where the schema
 * does not say so. Keyed by `<schema id>` and the property path.
 * - MeterValues.req meterValue and each meterValue's sampledValue: 1..* [OCPP 1.6 §6.31, §7.17].
 * - StopTransaction.req transactionData[].sampledValue: 1..* (a MeterValue) [§6.49, §7.17].
 * - chargingSchedulePeriod of every charging schedule: 1..* [§7.13].
 */
const AT_LEAST_ONE: ReadonlyArray<[schemaId: string, path: string]> = [
  ['urn:MeterValues.req', 'meterValue'],
  ['urn:MeterValues.req', 'meterValue[].sampledValue'],
  ['urn:StopTransaction.req', 'transactionData[].sampledValue'],
  ['urn:RemoteStartTransaction.req', 'chargingProfile.chargingSchedule.chargingSchedulePeriod'],
  ['urn:SetChargingProfile.req', 'csChargingProfiles.chargingSchedule.chargingSchedulePeriod'],
  ['urn:GetCompositeSchedule.conf', 'chargingSchedule.chargingSchedulePeriod'],
];

/**
 * connectorId is never negative (0 is the charge point itself) [OCPP 1.6 §6.31, §6.47]; a transaction
 * starts on a real connector, never on 0 [§6.45 StartTransaction.req: connectorId > 0].
 */
const CONNECTOR_MINIMUM: Readonly<Record<string, number>> = { 'urn:StartTransaction.req': 1 };

function walk(node: SchemaNode, path: string, visit: (node: SchemaNode, path: string, name: string) => void, name = ''): void {
  visit(node, path, name);
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, path ? `${path}.${key}` : key, visit, key);
  if (node.items && typeof node.items === 'object') walk(node.items, `${path}[]`, visit, name);
}

/** Adds the bounds above to the raw 1.6 schemas, in place. */
export function tightenSchemas(schemas: ReadonlyArray<SchemaNode & { $id: string }>): void {
  for (const schema of schemas) {
    const minItems = new Set(AT_LEAST_ONE.filter(([id]) => id === schema.$id).map(([, p]) => p));
    walk(schema, '', (node, path, name) => {
      if (node.type === 'integer') {
        const floor = name === 'connectorId' ? (CONNECTOR_MINIMUM[schema.$id] ?? 0) : INT32_MIN;
        node.minimum = Math.max(node.minimum ?? floor, floor);
        node.maximum = Math.min(node.maximum ?? INT32_MAX, INT32_MAX);
      }
      if (node.type === 'array' && minItems.has(path)) node.minItems = Math.max(node.minItems ?? 1, 1);
    });
  }
}

// RFC 3339 date-time (what the schemas' `format: date-time` means), captured so the year can be checked.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The `date-time` format as this system stores it: RFC 3339, a real calendar date, a year within the range
 * above, and a time `Date` can represent. A leap second (`23:59:60`) does not pass: `Date` cannot hold it,
 * so the gateway rewrites it first (`normaliseLeapSeconds`).
 */
export function isStorableTimestamp(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < MIN_TIMESTAMP_YEAR || year > MAX_TIMESTAMP_YEAR || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1])) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  return Number.isFinite(Date.parse(value));
}

/** Date-time property paths per schema (`Action.request` / `Action.response`), for `normaliseLeapSeconds`. */
export function dateTimePaths(schema: SchemaNode): string[][] {
  const paths: string[][] = [];
  walk(schema, '', (node, path) => {
    if (node.format === 'date-time') paths.push(path.split('.').filter(Boolean));
  });
  return paths;
}

const LEAP_SECOND = /^(\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:)60(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * A leap second (`…:60`, allowed by RFC 3339 §5.7) becomes the last millisecond before the next second
 * (`…:59.999`): it keeps its order among the charger's readings, and `Date` and every consumer can hold it.
 * Rewrites in place; returns how many timestamps changed.
 */
export function normaliseLeapSecondsAt(payload: unknown, paths: readonly string[][]): number {
  let changed = 0;
  const visit = (node: unknown, path: readonly string[], i: number): void => {
    if (node === null || typeof node !== 'object') return;
    const step = path[i];
    const many = step.endsWith('[]');
    const key = many ? step.slice(0, -2) : step;
    const value = (node as Record<string, unknown>)[key];
    const children = many ? (Array.isArray(value) ? value : []) : [value];
    if (i === path.length - 1) {
      if (many) return; // no schema has an array of timestamps
      if (typeof value === 'string' && value.includes(':60')) {
        const m = LEAP_SECOND.exec(value);
        if (m) {
          (node as Record<string, unknown>)[key] = `${m[1]}59.999${m[3]}`;
          changed++;
        }
      }
      return;
    }
    for (const child of children) visit(child, path, i + 1);
  };
  for (const path of paths) if (path.length > 0) visit(payload, path, 0);
  return changed;
}
