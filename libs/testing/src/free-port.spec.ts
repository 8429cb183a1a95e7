import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { freePort, reservationFile, reserve } from './free-port.js';

/** A port in freePort's range that nobody reserved yet: found by trying, as freePort does. */
function unreservedPort(): number {
  for (let port = 31_000 + Math.floor(Math.random() * 900); port < 32_000; port++) if (!existsSync(reservationFile(port))) return port;
  throw new Error('no unreserved port in 31000-31999');
}

describe('freePort', () => {
  it('hands out a port nobody listens on, reserved for this process', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(Number(readFileSync(reservationFile(port), 'utf8'))).toBe(process.pid);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('never hands the same port out twice to one process', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(40);
  });
});

describe('reserve', () => {
  it('holds a port once: the second try of the same process is refused', () => {
    const port = unreservedPort();
    expect(reserve(port)).toBe(true);
    expect(reserve(port)).toBe(false);
  });

  it('leaves a port another live process holds', () => {
    const port = unreservedPort();
    writeFileSync(reservationFile(port), String(process.ppid));
    expect(reserve(port)).toBe(false);
    expect(readFileSync(reservationFile(port), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over the reservation of a process that is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const port = unreservedPort();
    writeFileSync(reservationFile(port), String(gone));
    expect(reserve(port)).toBe(true);
    expect(readFileSync(reservationFile(port), 'utf8')).toBe(String(process.pid));
  });
});
