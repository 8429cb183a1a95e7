/** A throw-away nats-server per test suite: free port, temp store dir, kill -9 and restart for fault tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port.js';

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  /** SIGTERM, waits for exit. The store dir stays (restart uses it). */
  stop(): Promise<void>;
  /** SIGKILL, waits for exit: a crash. */
  kill(): Promise<void>;
  /** Stops it if running, then starts it again on the same port and store dir. */
  restart(): Promise<void>;
  /** Stops it and removes the store dir. */
  dispose(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'];

/** The nats-server binary: NATS_SERVER_BIN, a usual location, or one on PATH. */
export function natsServerBinary(): string | undefined {
  const fromPath = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((d) => path.join(d, 'nats-server'));
  for (const candidate of [process.env.NATS_SERVER_BIN, ...CANDIDATES, ...fromPath]) {
    if (!candidate) continue;
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not there: try the next one
    }
  }
  return undefined;
}

/** Resolves once the server sent its INFO line (it accepts clients). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('utf8').startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** `config`: nats-server configuration text (authorization, tls blocks); host, port and store stay ours. */
export async function startNatsServer(options: { jetstream?: boolean; config?: string } = {}): Promise<NatsServerHandle> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server binary not found (set NATS_SERVER_BIN or put nats-server on PATH)');
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'csms-nats-'));
  const jetstream = options.jetstream ?? true;
  const configFile = path.join(storeDir, 'nats-server.conf');
  if (options.config !== undefined) writeFileSync(configFile, options.config);
  let child: ChildProcess | undefined;
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async (): Promise<void> => {
    const args = [
      ...(options.config !== undefined ? ['-c', configFile] : []),
      '-a',
      '127.0.0.1',
      '-p',
      String(port),
      ...(jetstream ? ['-js', '-sd', storeDir] : []),
    ];
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}: ${stderr}`);
      if (await answers(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`nats-server did not accept connections on ${port} within 15 s: ${stderr}`);
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    proc.kill(sig);
    await exited(proc);
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await start();
    },
    dispose: async () => {
      await signal('SIGTERM');
      process.removeListener('exit', killOnExit);
      await fs.rm(storeDir, { recursive: true, force: true });
    },
  };
}
