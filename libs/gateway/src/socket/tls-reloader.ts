/**
 * Re-reads the charger-facing certificate and key when their files change. cert-manager renews them
 * in place in the mounted Secret: the kubelet swaps the volume's `..data` symlink, so the directories
 * are watched (a watch on the file itself would follow the old inode), events are debounced (the swap
 * and a hand-made copy of two files are several events), and the new pair goes to
 * `server.setSecureContext`, which applies to new handshakes only: connected chargers keep their
 * sockets. A pair that does not load (key not matching the certificate, a half-written file) is
 * logged and the current one kept; the next change tries again.
 */
import { watch, readFileSync, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import { Logger } from '@nestjs/common';

export interface ChargerTlsFiles {
  certFile: string;
  keyFile: string;
  caFile?: string;
}

/** The secure-context part of the charger TLS options, read from the files now. */
export function readChargerTls(files: ChargerTlsFiles): SecureContextOptions {
  return {
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
    minVersion: 'TLSv1.2',
    ...(files.caFile ? { ca: readFileSync(files.caFile) } : {}),
  };
}

const DEBOUNCE_MS = 1_000;

export class ChargerTlsReloader {
  private readonly log = new Logger('ChargerTlsReloader');
  private readonly watchers: FSWatcher[] = [];
  private timer?: NodeJS.Timeout;
  private current: string;

  constructor(
    private readonly server: TlsServer,
    private readonly files: ChargerTlsFiles,
    private readonly debounceMs = DEBOUNCE_MS,
  ) {
    this.current = contentOf(readChargerTls(files));
  }

  start(): this {
    const dirs = new Set([this.files.certFile, this.files.keyFile, ...(this.files.caFile ? [this.files.caFile] : [])].map((f) => dirname(f)));
    for (const dir of dirs) {
      const watcher = watch(dir, { persistent: false }, () => this.schedule());
      watcher.on('error', (err) => this.log.warn(`watching ${dir} for certificate renewals stopped: ${err.message}`));
      this.watchers.push(watcher);
    }
    return this;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.debounceMs);
    this.timer.unref();
  }

  /** Loads the files; applies them if they changed and form a usable pair. */
  reload(): void {
    let options: SecureContextOptions;
    try {
      options = readChargerTls(this.files);
      // Throws on a key that does not match the certificate, or on PEM that does not parse.
      createSecureContext(options);
    } catch (err) {
      this.log.error(`new TLS certificate/key in ${this.files.certFile}, ${this.files.keyFile} not loaded, keeping the current one: ${(err as Error).message}`);
      return;
    }
    const next = contentOf(options);
    if (next === this.current) return;
    this.server.setSecureContext(options);
    this.current = next;
    this.log.log(`TLS certificate reloaded from ${this.files.certFile}: new connections get it, connected chargers keep theirs`);
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers.splice(0)) w.close();
  }
}

function contentOf(options: SecureContextOptions): string {
  return [options.cert, options.key, options.ca].map((b) => (b ? Buffer.from(b as Buffer).toString('base64') : '')).join('|');
}
