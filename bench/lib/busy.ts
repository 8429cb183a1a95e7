/**
 * `--busy`: a sibling process that burns one core for the whole run, so figures "under load" come from a known
 * load instead of whatever else the machine happens to run. It spins in short slices and yields between them
 * (setImmediate), so SIGTERM from the cleanup stops it at once.
 */
import { spawn } from 'node:child_process';
import { onCleanup, trackChild } from './procs.js';

const BURN = 'const spin = () => { const end = Date.now() + 50; while (Date.now() < end); setImmediate(spin); }; spin();';

export interface BusySibling {
  pid: number;
  stop(): Promise<void>;
}

export function startBusySibling(): BusySibling {
  const child = spawn(process.execPath, ['-e', BURN], { stdio: 'ignore' });
  trackChild(child);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const off = onCleanup('busy sibling', stop);
  child.once('exit', off);
  return { pid: child.pid ?? -1, stop };
}
