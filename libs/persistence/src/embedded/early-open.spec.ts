import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDirOf, openEmbedded, openEmbeddedEarly } from './early-open.js';
import { EmbeddedWorker } from './embedded-worker.js';

describe('the embedded database opened early', () => {
  let dataDir: string;
  const workers: EmbeddedWorker[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'csms-early-'));
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is taken over by the next open of the same directory, which gets its worker; the open after that starts anew', async () => {
    openEmbeddedEarly(dataDir);
    // A second early call for the same directory does not start a second worker (it would find the lock taken).
    openEmbeddedEarly(dataDir);
    const first = await openEmbedded(dataDir);
    workers.push(first);
    const r = await first.run('SELECT 41 + 1 AS n');
    expect(r.ok && r.result.rows).toEqual([{ n: 42 }]);
    // Nothing early is left: a second open is a new opening, refused by the first one's lock.
    await expect(openEmbedded(dataDir)).rejects.toThrow(`is already open in process ${process.pid}`);
  });

  it("hands its failure to whoever takes it over, and until then it is nobody's unhandled rejection", async () => {
    const holder = await openEmbedded(dataDir);
    workers.push(holder);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      openEmbeddedEarly(dataDir);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      await expect(openEmbedded(dataDir)).rejects.toThrow(`embedded database ${embeddedDirOf(dataDir)} is already open in process ${process.pid}`);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
