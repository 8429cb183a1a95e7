import { readFileSync } from 'node:fs';
import { generateTypes, loadSchemas, OUTPUT_FILE, typeNameOf } from './generate-types.mjs';

describe('generate-types', () => {
  it('the checked-in src/generated/ocpp16-types.ts is what the generator produces now (never stale)', async () => {
    const fresh = await generateTypes();
    expect(readFileSync(OUTPUT_FILE, 'utf8')).toBe(fresh);
  }, 60_000);

  it('names every schema <Action>Request / <Action>Response', () => {
    const names = loadSchemas().map((s) => typeNameOf(s.$id));
    expect(names).toHaveLength(78);
    expect(names).toEqual(expect.arrayContaining(['BootNotificationRequest', 'ExtendedTriggerMessageResponse', 'SignCertificateRequest']));
    expect(() => typeNameOf('urn:Foo.bar')).toThrow();
  });
});
