import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { streamReaderContract } from '../test-support/stream-reader-contract.js';
import { InProcessBus } from './in-process-bus.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

streamReaderContract('InProcessBus (memory)', () => InProcessBus.open());
streamReaderContract('InProcessBus (journaled)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csms-reader-'));
  dirs.push(dir);
  return InProcessBus.open({ journalDir: dir });
});
