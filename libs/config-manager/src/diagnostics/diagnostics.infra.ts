/**
 * Diagnostics uploads on real PostgreSQL (the unit spec runs them on PGlite): the bytea chunks through the pg
 * driver, and two replicas claiming one token at once (only one attempt wins).
 */
import { randomBytes } from 'node:crypto';
import { describeInfra, twoReplicaDatabasesForSuite } from '#csms/testing';
import { CONFIG_MANAGER_MIGRATIONS } from '../index.js';
import { DiagnosticsService } from './diagnostics.service.js';
import { DiagnosticsStore } from './store.js';

describeInfra('diagnostics uploads on PostgreSQL', () => {
  const replicas = twoReplicaDatabasesForSuite({ migrations: CONFIG_MANAGER_MIGRATIONS });

  it('one of two simultaneous claims wins; the file comes back byte for byte from the other replica', async () => {
    const { a, b } = replicas;
    const onA = new DiagnosticsService(new DiagnosticsStore(a));
    const onB = new DiagnosticsService(new DiagnosticsStore(b));
    const created = await onA.create({ chargerId: 'ZAPPG1', kind: 'diagnostics' });
    if (!created.ok) throw new Error('create refused');
    const { token, view } = created.data;
    const claims = await Promise.all([onA.claim(token), onB.claim(token)]);
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    const claim = claims.find((c) => c.ok);
    if (!claim?.ok) throw new Error('no claim');
    const file = randomBytes(600_000);
    for (let seq = 0, at = 0; at < file.length; seq++, at += 256 * 1024) {
      expect((await onA.chunk({ ...claim.data, seq, data: file.subarray(at, at + 256 * 1024).toString('base64') })).ok).toBe(true);
    }
    const done = await onA.finish(claim.data);
    expect(done.ok && done.data.size).toBe(file.length);
    const read: Buffer[] = [];
    for (let index = 0; ; index++) {
      const r = await onB.read({ id: view.id, index });
      if (!r.ok || r.data.done) break;
      read.push(Buffer.from(r.data.data!, 'base64'));
    }
    expect(Buffer.concat(read).equals(file)).toBe(true);
  });
});
