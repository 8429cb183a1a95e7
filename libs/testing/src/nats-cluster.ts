/**
 * A throw-away three-node (or N-node) NATS cluster with JetStream, as operators run it (the Helm chart's
 * default): free client, route and monitoring ports, one store dir per node, and per-node kill/restart
 * for fault runs. Ready means every node answers /healthz, which in a cluster includes a JetStream meta
 * leader being elected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, promises as fs, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, natsServerBinary } from './nats-server.js';

export interface NatsClusterNode {
  name: string;
  url: string;
  /** SIGKILL: a node lost. */
  kill(): Promise<void>;
  /** Starts it again on its ports and store (after kill). */
  start(): Promise<void>;
  readonly running: boolean;
}

export interface NatsClusterHandle {
  /** Every node's client URL, comma-separated: what NATS_URL takes. */
  url: string;
  nodes: NatsClusterNode[];
  /** Resolves once every running node reports healthy (JetStream meta leader known). */
  healthy(timeoutMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function healthz(monitorPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${monitorPort}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function startNatsCluster(size = 3): Promise<NatsClusterHandle> {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server binary not found (set NATS_SERVER_BIN or put nats-server on PATH)');
  const root = mkdtempSync(path.join(os.tmpdir(), 'csms-nats-cluster-'));
  const specs: Array<{ name: string; port: number; routePort: number; monitorPort: number }> = [];
  for (let i = 0; i < size; i++) specs.push({ name: `n${i + 1}`, port: await freePort(), routePort: await freePort(), monitorPort: await freePort() });
  const children = new Map<string, ChildProcess>();
  const killAll = (): void => {
    for (const c of children.values()) c.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const nodes: NatsClusterNode[] = specs.map((spec) => {
    const dir = path.join(root, spec.name);
    const config = path.join(root, `${spec.name}.conf`);
    const routes = specs.filter((s) => s !== spec).map((s) => `nats-route://127.0.0.1:${s.routePort}`);
    writeFileSync(
      config,
      [
        `server_name: ${spec.name}`,
        `listen: 127.0.0.1:${spec.port}`,
        `http: 127.0.0.1:${spec.monitorPort}`,
        `jetstream { store_dir: "${dir}" }`,
        `cluster { name: csms-test, listen: 127.0.0.1:${spec.routePort}, routes: [${routes.map((r) => `"${r}"`).join(', ')}] }`,
      ].join('\n'),
    );
    const node: NatsClusterNode = {
      name: spec.name,
      url: `nats://127.0.0.1:${spec.port}`,
      get running() {
        return children.has(spec.name);
      },
      start: async () => {
        if (children.has(spec.name)) return;
        const child = spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4_000)));
        child.once('exit', () => children.get(spec.name) === child && children.delete(spec.name));
        children.set(spec.name, child);
        const deadline = Date.now() + 20_000;
        // The node accepts clients before the cluster has a meta leader: wait for its port only here;
        // healthy() waits for the cluster.
        for (;;) {
          if (child.exitCode !== null) throw new Error(`nats node ${spec.name} exited with ${child.exitCode}: ${stderr}`);
          try {
            await fetch(`http://127.0.0.1:${spec.monitorPort}/varz`, { signal: AbortSignal.timeout(1_000) });
            return;
          } catch {
            if (Date.now() > deadline) throw new Error(`nats node ${spec.name} did not start within 20 s: ${stderr}`);
            await sleep(50);
          }
        }
      },
      kill: async () => {
        const child = children.get(spec.name);
        if (!child) return;
        children.delete(spec.name);
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
      },
    };
    return node;
  });

  const handle: NatsClusterHandle = {
    url: nodes.map((n) => n.url).join(','),
    nodes,
    healthy: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const running = specs.filter((s) => children.has(s.name));
        const answers = await Promise.all(running.map((s) => healthz(s.monitorPort)));
        if (running.length > 0 && answers.every(Boolean)) return;
        if (Date.now() > deadline) throw new Error(`NATS cluster not healthy within ${timeoutMs} ms (${running.map((s, i) => `${s.name}:${answers[i] ? 'ok' : 'not ok'}`).join(', ')})`);
        await sleep(200);
      }
    },
    dispose: async () => {
      await Promise.all(nodes.map((n) => n.kill()));
      process.removeListener('exit', killAll);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await handle.healthy();
  } catch (err) {
    await handle.dispose();
    throw err;
  }
  return handle;
}
