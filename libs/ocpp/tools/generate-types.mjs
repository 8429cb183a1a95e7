// Generates libs/ocpp/src/generated/ocpp16-types.ts from ocpp-rpc's OCPP 1.6 JSON schemas.
// Plain JS ESM because Node 20 cannot run .ts directly. Run: node libs/ocpp/tools/generate-types.mjs
// The unit test generate-types.spec.ts re-runs generateTypes() and compares with the checked-in file.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const require = createRequire(import.meta.url);

export const SCHEMA_FILE = require.resolve('ocpp-rpc/lib/schemas/ocpp1_6.json');
export const OUTPUT_FILE = fileURLToPath(new URL('../src/generated/ocpp16-types.ts', import.meta.url));

const HEADER = `/* eslint-disable */
// GENERATED FILE, DO NOT EDIT. Source: ocpp-rpc lib/schemas/ocpp1_6.json (MIT).
// Regenerate: node libs/ocpp/tools/generate-types.mjs (a unit test fails when this file is stale).
`;

export function loadSchemas() {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
}

/** `urn:Authorize.req` -> `AuthorizeRequest`; `urn:Authorize.conf` -> `AuthorizeResponse`. */
export function typeNameOf(id) {
  const m = /^urn:([A-Za-z]+)\.(req|conf)$/.exec(id);
  if (!m) throw new Error(`unexpected schema $id: ${id}`);
  return m[1] + (m[2] === 'req' ? 'Request' : 'Response');
}

/**
 * Shared definitions (CertificateHashDataType, HashAlgorithmEnumType, ...) are repeated in several
 * schemas; emit each once and fail if two schemas disagree on one.
 */
function splitDeclarations(code) {
  const blocks = code
    .split(/\n(?=export )/)
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  return blocks.map((text) => {
    const m = /^export (?:type|interface) (\w+)/.exec(text);
    if (!m) throw new Error(`cannot name generated block: ${text.slice(0, 80)}`);
    return { name: m[1], text };
  });
}

// Code-unit order, not localeCompare: the output must not depend on the machine locale.
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

export async function generateTypes(schemas = loadSchemas()) {
  const sorted = [...schemas].sort((a, b) => byName(typeNameOf(a.$id), typeNameOf(b.$id)));
  const seen = new Map();
  const out = [];
  for (const schema of sorted) {
    const name = typeNameOf(schema.$id);
    const copy = structuredClone(schema);
    delete copy.$id; // otherwise the urn becomes part of type naming
    copy.title = name;
    const code = await compile(copy, name, { bannerComment: '', additionalProperties: false, strictIndexSignatures: true });
    for (const decl of splitDeclarations(code)) {
      const prev = seen.get(decl.name);
      if (prev === undefined) {
        seen.set(decl.name, decl.text);
        out.push(decl.text);
      } else if (prev !== decl.text) {
        throw new Error(`conflicting definitions of ${decl.name} across schemas`);
      }
    }
  }
  return HEADER + '\n' + out.join('\n\n') + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await generateTypes();
  writeFileSync(OUTPUT_FILE, text);
  console.log(`wrote ${OUTPUT_FILE}`);
}
