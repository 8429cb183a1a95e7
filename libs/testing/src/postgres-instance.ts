/**
 * A throw-away PostgreSQL server of its own (initdb in a temp dir, a free port, a socket dir of its own),
 * for fault runs that stop and crash the database: the machine's shared server on 5432 must never be the
 * one restarted. PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user
 * (runuser), which owns the temp dir.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface PostgresInstance {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth on loopback). */
  url: string;
  port: number;
  /** A clean shutdown (checkpoint), then start again: what an operator's restart does. */
  restart(): Promise<void>;
  /** SIGQUIT-style immediate stop (no checkpoint: recovery at the next start), then start again. */
  crash(): Promise<void>;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/** The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/<major>/bin), or PG_BIN. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, 'pg_ctl'))) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'pg_ctl')));
}

export async function startPostgresInstance(): Promise<PostgresInstance> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (install postgresql or set PG_BIN)');
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'csms-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // Run a PostgreSQL tool as the server's user (root may not run it); async, so a caller's sockets keep
  // being served while the server stops and starts.
  const tool = (name: string, args: string[]): Promise<void> => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, name), ...args]] : [join(bin, name), args];
    return new Promise((resolve, reject) =>
      execFile(cmd, argv, { cwd: dir, encoding: 'utf8' }, (err, stdout, stderr) =>
        err ? reject(new Error(`${name} ${args.join(' ')} failed: ${stderr || stdout || err.message}`)) : resolve(),
      ),
    );
  };
  if (asRoot) {
    const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pg.status !== 0) throw new Error('running as root and there is no postgres user to run the server as');
    chownSync(dir, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
  }
  await tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const start = (): Promise<void> => tool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    if (!existsSync(join(data, 'postmaster.pid'))) return;
    await tool('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
  };
  await start();
  // A run that dies leaves no server behind ('exit' handlers must be synchronous).
  const killOnExit = (): void => {
    const [cmd, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']]
      : [join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']];
    spawnSync(cmd, argv, { stdio: 'ignore' });
  };
  process.once('exit', killOnExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    restart: async () => {
      await stop('fast');
      await start();
    },
    crash: async () => {
      await stop('immediate');
      await start();
    },
    dispose: async () => {
      await stop('fast').catch(() => stop('immediate'));
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
