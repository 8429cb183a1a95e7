import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isOcppAction } from './actions.js';
import type { OcppErrorCode } from './errors.js';
import { dateTimePaths, isStorableTimestamp, normaliseLeapSecondsAt, tightenSchemas } from './storable.js';

// ajv and ajv-formats are CommonJS; under NodeNext the default import is module.exports, whose
// `.default` is the class/plugin itself (both packages set exports.default).
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export type PayloadDirection = 'request' | 'response';

export interface PayloadValidationError {
  path: string;
  message: string;
}

export type PayloadValidation = { ok: true } | { ok: false; code: OcppErrorCode; description: string; errors: PayloadValidationError[] };

interface RawSchema {
  $id: string;
  [keyword: string]: unknown;
}

const require = createRequire(import.meta.url);
export const SCHEMA_FILE: string = require.resolve('ocpp-rpc/lib/schemas/ocpp1_6.json');

/**
 * OCPP 1.6 §7.31 UnitOfMeasure misspells Celsius as `Celcius`; chargers send either. Every enum that
 * holds one spelling is made to hold both before compiling, so both are accepted and passed through
 * unchanged (no normalisation: consumers compare against both). ocpp-rpc's schemas already list both;
 * the patch keeps that true if a future schema version drops one.
 */
export const CELSIUS_SPELLINGS = ['Celsius', 'Celcius'] as const;

export function patchCelsius(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(patchCelsius);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  const en = obj['enum'];
  if (Array.isArray(en) && CELSIUS_SPELLINGS.some((s) => en.includes(s))) {
    for (const s of CELSIUS_SPELLINGS) if (!en.includes(s)) en.push(s);
  }
  Object.values(obj).forEach(patchCelsius);
}

function loadSchemas(): RawSchema[] {
  // Our own parsed copy (not require's cached one): patchCelsius mutates it.
  const schemas = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as RawSchema[];
  patchCelsius(schemas);
  tightenSchemas(schemas);
  return schemas;
}

// strict mode off: the schemas are third-party draft-07 text (e.g. `$schema` without `#`, type-less
// keywords under `properties`) and strictness would only reject what the standard allows.
// multipleOfPrecision: chargingSchedulePeriod.limit is `multipleOf: 0.1`; 0.3 / 0.1 is not an integer
// in binary floating point.
const ajv = new Ajv({ strict: false, allErrors: false, multipleOfPrecision: 6 });
addFormats(ajv);
// Replaces ajv-formats' date-time: a value must also be one we can store (storable.ts).
ajv.addFormat('date-time', { type: 'string', validate: isStorableTimestamp });

/**
 * One entry per action and direction, looked up by the action's name: a `${action}.${direction}` key would be a new
 * string to hash twice per CALL (normaliseLeapSeconds, validatePayload) on the gateway's hottest path.
 *
 * Each schema is compiled on its first use, not at start-up: compiling all 78 was a second and more of every
 * process start on a busy 2-core machine (docs/benchmarks.md#startup), and a charger's first frame of an action
 * pays a few milliseconds once instead. `compileAllSchemas` compiles every one (the unit spec does).
 */
interface SchemaEntry {
  key: string;
  raw: RawSchema & { $id: string };
  timestampPaths: string[][];
  compiled?: ValidateFunction;
}
const schemaEntries: Record<PayloadDirection, Map<string, SchemaEntry>> = { request: new Map(), response: new Map() };
for (const schema of loadSchemas()) {
  const m = /^urn:([A-Za-z]+)\.(req|conf)$/.exec(schema.$id);
  if (!m) throw new Error(`unexpected OCPP schema $id: ${schema.$id}`);
  const direction: PayloadDirection = m[2] === 'req' ? 'request' : 'response';
  // `urn:Authorize.req` has no URN namespace id, which fast-uri (Ajv's URI library) refuses to
  // serialise; give it one. Only intra-schema `#/definitions/...` refs exist, so nothing else changes.
  schemaEntries[direction].set(m[1], {
    key: `${m[1]}.${direction}`,
    raw: { ...schema, $id: `urn:ocpp16:${m[1]}.${m[2]}` },
    timestampPaths: dateTimePaths(schema),
  });
}

function validatorOf(entry: SchemaEntry): ValidateFunction {
  entry.compiled ??= ajv.compile(entry.raw);
  return entry.compiled;
}

function allEntries(): SchemaEntry[] {
  return [...schemaEntries.request.values(), ...schemaEntries.response.values()];
}

/** Compiles every schema now (each is otherwise compiled on its first use); returns their keys. */
export function compileAllSchemas(): string[] {
  const entries = allEntries();
  for (const entry of entries) validatorOf(entry);
  return entries.map((entry) => entry.key);
}

/**
 * Rewrites leap seconds (`…T23:59:60Z`) in the payload's timestamps to `…T23:59:59.999Z`, in place, before
 * validation: RFC 3339 allows them, `Date` cannot hold them (storable.ts). Returns how many changed.
 */
export function normaliseLeapSeconds(action: string, direction: PayloadDirection, payload: unknown): number {
  const paths = schemaEntries[direction].get(action)?.timestampPaths;
  return paths ? normaliseLeapSecondsAt(payload, paths) : 0;
}

/** `Action.request` / `Action.response` keys of every schema (78 for OCPP 1.6 + security). */
export function schemaKeys(): string[] {
  return allEntries().map((entry) => entry.key);
}

/** Ajv keyword -> 1.6 CALLERROR code [J16 §4.2.3]. Unlisted keywords fall back to FormationViolation. */
const KEYWORD_CODES: Readonly<Record<string, OcppErrorCode>> = {
  type: 'TypeConstraintViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  format: 'PropertyConstraintViolation',
  required: 'OccurenceConstraintViolation',
  minItems: 'OccurenceConstraintViolation',
  maxItems: 'OccurenceConstraintViolation',
  additionalProperties: 'FormationViolation',
};

/** The CALLERROR code for a failed Ajv keyword. Exported for tests: no 1.6 schema uses minimum/pattern/... */
export function errorCodeForKeyword(keyword: string): OcppErrorCode {
  return KEYWORD_CODES[keyword] ?? 'FormationViolation';
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Ajv's JSON pointer (`/meterValue/0/unit`) as a JSONPath (`$.meterValue[0].unit`). */
function toJsonPath(pointer: string, extra?: string): string {
  const parts =
    pointer === ''
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '$';
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (IDENT.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

function describe(err: ErrorObject): PayloadValidationError {
  const params = err.params as Record<string, unknown>;
  if (err.keyword === 'required') {
    const missing = String(params['missingProperty']);
    return { path: toJsonPath(err.instancePath, missing), message: 'is required but missing (required)' };
  }
  if (err.keyword === 'additionalProperties') {
    const extra = String(params['additionalProperty']);
    return { path: toJsonPath(err.instancePath, extra), message: 'is not allowed by the schema (additionalProperties)' };
  }
  if (err.keyword === 'enum') {
    const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
    return { path: toJsonPath(err.instancePath), message: `must be one of ${allowed} (enum)` };
  }
  return { path: toJsonPath(err.instancePath), message: `${err.message ?? 'is invalid'} (${err.keyword})` };
}

export function validatePayload(action: string, direction: PayloadDirection, payload: unknown): PayloadValidation {
  const entry = isOcppAction(action) ? schemaEntries[direction].get(action) : undefined;
  const validate = entry && validatorOf(entry);
  if (validate === undefined) {
    return { ok: false, code: 'NotImplemented', description: `Unknown action "${action}"`, errors: [] };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    const what = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
    const error = { path: '$', message: `payload must be a JSON object, got ${what}` };
    return { ok: false, code: 'FormationViolation', description: `${action} ${direction}: ${error.path} ${error.message}`, errors: [error] };
  }
  if (validate(payload)) return { ok: true };
  const ajvErrors = validate.errors ?? [];
  const first = ajvErrors[0];
  if (first === undefined) {
    return { ok: false, code: 'GenericError', description: `${action} ${direction}: invalid payload`, errors: [] };
  }
  const errors = ajvErrors.map(describe);
  const code = errorCodeForKeyword(first.keyword);
  return { ok: false, code, description: `${action} ${direction}: ${errors[0].path} ${errors[0].message}`, errors };
}
