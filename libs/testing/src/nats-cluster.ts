/**
 * A throw-away three-node NATS cluster with JetStream (docs/reference/design-decisions.md#stream-replicas): free client and
 * route ports, one store dir per node under one temp dir, each node killable and restartable on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, promises as fs, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { freePort } from './free-port.js';
import { natsServerBinary } from './nats-server.js';

export interface NatsClusterNode {
  /** server_name, as stream info reports its leader and replicas (n1, n2, n3). */
  name: string;
  url: string;
  port: number;
  running(): boolean;
  /** SIGKILL, waits for exit: a crashed node. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and store. */
  start(): Promise<void>;
}

export interface NatsClusterHandle {
  /** Every node's URL, comma-separated (NATS_URL). */
  url: string;
  nodes: NatsClusterNode[];
  node(name: string): NatsClusterNode;
  /** Resolves once JetStream answers through `url` (a meta leader is elected). */
  waitJetStream(limitMs?: number): Promise<void>;
  /** Stops every node and removes the temp dir. */
  dispose(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startNatsCluster(size = 3): Promise<NatsClusterHandle> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server binary not found (set NATS_SERVER_BIN or put nats-server on PATH)');
  const root = mkdtempSync(path.join(os.tmpdir(), 'csms-nats-cluster-'));
  const ports: Array<{ client: number; route: number }> = [];
  for (let i = 0; i < size; i++) ports.push({ client: await freePort(), route: await freePort() });
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`);
  const children = new Map<string, ChildProcess>();
  const killAll = (): void => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);

  const nodes: NatsClusterNode[] = ports.map((p, i) => {
    const name = `n${i + 1}`;
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    const config = path.join(dir, 'nats-server.conf');
    writeFileSync(
      config,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${p.client}`,
        `jetstream { store_dir: "${path.join(dir, 'js')}" }`,
        `cluster {`,
        `  name: csms-test`,
        `  listen: 127.0.0.1:${p.route}`,
        `  routes: [${routes.filter((_, j) => j !== i).join(', ')}]`,
        `}`,
      ].join('\n'),
    );
    let stderr = '';
    const start = async (): Promise<void> => {
      const child = spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      children.set(name, child);
      child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        if (child.exitCode !== null) throw new Error(`nats-server ${name} exited with ${child.exitCode}: ${stderr}`);
        try {
          const nc = await connect({ servers: `nats://127.0.0.1:${p.client}`, reconnect: false, timeout: 1_000 });
          await nc.close();
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      child.kill('SIGKILL');
      throw new Error(`nats-server ${name} did not accept connections within 15 s: ${stderr}`);
    };
    return {
      name,
      url: `nats://127.0.0.1:${p.client}`,
      port: p.client,
      running: () => {
        const c = children.get(name);
        return c !== undefined && c.exitCode === null && c.signalCode === null;
      },
      kill: async () => {
        const c = children.get(name);
        if (!c) return;
        children.delete(name);
        c.kill('SIGKILL');
        await exited(c);
      },
      start,
    };
  });

  const url = nodes.map((n) => n.url).join(',');
  const handle: NatsClusterHandle = {
    url,
    nodes,
    node: (name) => {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new Error(`no node ${name}`);
      return n;
    },
    waitJetStream: async (limitMs = 30_000) => {
      const until = Date.now() + limitMs;
      let last: unknown;
      while (Date.now() < until) {
        const nc = await connect({ servers: nodes.filter((n) => n.running()).map((n) => n.url), timeout: 1_000 }).catch(
          (e: unknown) => ((last = e), undefined),
        );
        if (nc) {
          try {
            await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
            return;
          } catch (e) {
            last = e;
          } finally {
            await nc.close();
          }
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`JetStream of the cluster did not answer within ${limitMs} ms: ${String(last)}`);
    },
    dispose: async () => {
      for (const n of nodes) await n.kill();
      process.removeListener('exit', killAll);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  await Promise.all(nodes.map((n) => n.start()));
  await handle.waitJetStream();
  return handle;
}
