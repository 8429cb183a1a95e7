/**
 * A full garbage collection in another Node process, through its inspector (`--inspect=127.0.0.1:<port>`), so a
 * heap figure read afterwards counts live objects only. Without it, `heapUsed` also counts whatever garbage the
 * last collection left: at 3,000 chargers one build read 8.2 and 39.0 KiB per charger in two runs.
 */
import WebSocket from 'ws';

/** The Node option that opens the inspector `collectGarbage` talks to. Loopback only. */
export function inspectArg(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}

export async function collectGarbage(port: number, timeoutMs = 30_000): Promise<void> {
  let targets: Array<{ webSocketDebuggerUrl?: string }>;
  try {
    targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as typeof targets;
  } catch (err) {
    throw new Error(`no inspector on 127.0.0.1:${port} (${(err as Error).message})`, { cause: err });
  }
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on 127.0.0.1:${port}`);
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`HeapProfiler.collectGarbage: no answer within ${timeoutMs} ms`)), timeoutMs);
      ws.on('message', (data) => {
        const answer = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (answer.id !== 1) return;
        clearTimeout(timer);
        if (answer.error) reject(new Error(`HeapProfiler.collectGarbage: ${answer.error.message}`));
        else resolve();
      });
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    ws.close();
  }
}
