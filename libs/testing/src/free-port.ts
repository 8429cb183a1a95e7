/**
 * Ports for the processes a test starts next. Test files run in several lanes at once, each its own process, and a
 * port that is free now is only free until someone listens on it: two lanes could pick the same one, and a test that
 * restarts a service on its old port leaves it free for a while (a gateway's restart in the soak lost its port to
 * another lane this way: EADDRINUSE in CI). So a port handed out here is also reserved, for as long as the process
 * that asked lives, with a file no other lane's `freePort` will pass over.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { processAlive } from '#csms/persistence';

/**
 * One directory per machine user, shared by every lane. Named by process.getuid, not os.userInfo(): the latter throws
 * for a uid without a passwd entry (some containers).
 */
const reservations = path.join(os.tmpdir(), `csms-test-ports-${process.getuid?.() ?? 'user'}`);

/**
 * A port nobody listens on now and no other live test process was handed. Chosen below Linux's ephemeral range
 * (32768 and up): a port the kernel handed out as free (`listen(0)`) is an ephemeral one, and the many outgoing
 * connections of the tests running beside (PostgreSQL, NATS, HTTP) take ephemeral ports as their local end, so one of
 * them could hold it by the time the process listens (EADDRINUSE, seen in CI). Checked on every interface, as the
 * services listen.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!reserve(port)) continue;
    if (await listenable(port)) return port;
  }
  return kernelPort();
}

/**
 * True when this call reserved the port. A port this process was handed before stays taken too: two services of one
 * test must not get the same one, and a test file's services may outlive it in its lane.
 */
export function reserve(port: number): boolean {
  mkdirSync(reservations, { recursive: true });
  const file = path.join(reservations, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    const holder = Number(readOr(file, ''));
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) return false;
    // The holder is gone (a lane that ended, or was killed): the reservation is stale.
    try {
      unlinkSync(file);
    } catch {
      // another lane removed it first; the next write decides
    }
  }
  return false;
}

/** Where the reservations are kept (for tests). */
export function reservationFile(port: number): string {
  return path.join(reservations, String(port));
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
