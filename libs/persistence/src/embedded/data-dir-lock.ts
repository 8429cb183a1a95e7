import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Directories this process holds: a lock file naming our own pid but not in here is a previous run's. */
const held = new Set<string>();

/** Whether a process with this pid lives (pid lock files: this one's, and the test ports' reservations). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but is not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite takes no lock of its own: two processes opening one data directory would both write it and
 * corrupt it. So the directory gets a lock file naming the process that has it open; a second opener fails
 * with that pid. A lock left by a process that died (SIGKILL, a crash, a container restarted with the same
 * pid) is taken over. Returns the release.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, 'csms.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(dir);
      return () => {
        held.delete(dir);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    const ours = pid === process.pid;
    if (Number.isInteger(pid) && pid > 0 && (ours ? held.has(dir) : processAlive(pid))) {
      throw Object.assign(new Error(`embedded database ${dir} is already open in process ${pid} (${file}); stop that process first`), {
        code: 'DATA_DIR_IN_USE',
      });
    }
    rmSync(file, { force: true });
  }
  throw new Error(`embedded database ${dir}: could not take ${file}`);
}
