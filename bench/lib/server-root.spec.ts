import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../test/support/processes.js';
import { BenchArgsError } from './flags.js';
import { serverRoot, serverRootAt, useServerRoot } from './server-root.js';

describe('--server-root', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const checkout = (built: boolean): string => {
    const d = mkdtempSync(join(tmpdir(), 'bench-root-'));
    dirs.push(d);
    if (built) {
      mkdirSync(join(d, 'dist/apps/csms'), { recursive: true });
      writeFileSync(join(d, 'dist/apps/csms/main.js'), '');
    }
    return d;
  };

  it('is this checkout, at its commit, unless told otherwise', () => {
    const own = serverRoot();
    expect(own).toMatchObject({ dir: resolve(repoRoot), own: true });
    expect(own.revision).toMatch(/^[0-9a-f]{7,}(\+changes)?$/);
  });

  it('refuses a checkout without a built all-in-one, naming the file it looked for', () => {
    const d = checkout(false);
    expect(() => serverRootAt(d)).toThrow(BenchArgsError);
    expect(() => serverRootAt(d)).toThrow(`${join(d, 'dist/apps/csms/main.js')} does not exist`);
  });

  it('takes another built checkout and says it is not this one', () => {
    const d = checkout(true);
    const root = serverRootAt(d);
    expect(root).toEqual({ dir: d, revision: 'not a git checkout', own: false });
    useServerRoot(root);
    expect(serverRoot()).toBe(root);
    useServerRoot(serverRootAt(repoRoot));
    expect(serverRoot().own).toBe(true);
  });
});
