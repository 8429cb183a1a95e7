import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '#csms/testing';
import { collectGarbage, inspectArg } from './collect-garbage.js';

/** A Node process holding garbage, with its inspector on `port`; it reports its heap on request over IPC. */
async function withGarbage(port: number): Promise<ChildProcess> {
  const script = `
    let junk = Array.from({ length: 200000 }, (_, i) => ({ i, s: 'x' + i }));
    junk = null;
    process.on('message', () => process.send(process.memoryUsage().heapUsed));
    process.send('ready');`;
  const child = spawn(process.execPath, [inspectArg(port), '-e', script], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });
  return child;
}

const heapOf = (child: ChildProcess): Promise<number> =>
  new Promise((resolve) => {
    child.once('message', (m) => resolve(m as number));
    child.send('heap');
  });

describe('collectGarbage', () => {
  const children: ChildProcess[] = [];
  afterEach(() => children.splice(0).forEach((c) => c.kill()));

  it('runs a full collection in another process through its inspector: the garbage it held is gone', async () => {
    const port = await freePort();
    const child = await withGarbage(port);
    children.push(child);
    const before = await heapOf(child);
    await collectGarbage(port);
    const after = await heapOf(child);
    // 200,000 dead objects of two fields and a string each: far more than a few MB.
    expect(before - after).toBeGreaterThan(4 * 2 ** 20);
  });

  it('fails naming the address it tried when nothing inspects there', async () => {
    const port = await freePort();
    await expect(collectGarbage(port)).rejects.toThrow(`no inspector on 127.0.0.1:${port}`);
  });
});
