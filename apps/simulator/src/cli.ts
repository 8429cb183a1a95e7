// Command-line parsing (node:util parseArgs). Bad arguments -> UsageError -> exit code 2.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { NO_FAULTS, type Faults } from './charger/faults.js';
import { PRESETS, type ModelId } from './charger/presets.js';
import { chargeScenario, parseScenario, ScenarioError, type Scenario } from './scenario.js';

export const USAGE = `Usage: node dist/apps/simulator/main.js --url ws://127.0.0.1:9000/ocpp [options]

  --url URL                   CSMS endpoint; each charger connects to URL/<identity>       (required)
  --model go|go2|pro          Zaptec model preset                                          (go)
  --chargers N                number of chargers                                           (1)
  --ramp-per-second R         chargers started per second                                  (50)
  --id-prefix P               identities are P + 6-digit number                            (ZAPSIM)
  --id-start K                first number                                                 (1)
  --password TEXT             Basic Auth password the chargers were provisioned with
  --scenario FILE.json        scenario file {"repeat":1,"steps":[{"action":"plugIn","idTag":"T"},...]}
  --charge-minutes M          flag scenario: plug in, (authorize,) charge M minutes, unplug
  --power-w P                 charging power for --charge-minutes                          (7400)
  --id-tag TAG                idTag presented at plug-in                                   (SIMTAG)
  --free-charging             FreeCharging=true (start without Authorize, FreeChargingIdTag)
  --sample-interval S         MeterValueSampleInterval at start (s)
  --eager-delta W             PowerActiveImportDeltaForEagerMeterValueSample at start (W)
  --set KEY=VALUE             initial configuration key value (repeatable)
  --late-sample-after-stop    fault: one Sample.Periodic after StopTransaction
  --register-offset WH        fault: Wh added to every register value
  --near-int31                fault: meterStart 2147483647
  --no-reconnect-after-unacked-close  fault: stay offline after a close without handshake (1006)
  --diagnostics-upload-fails  fault: GetDiagnostics/GetLog answer, then UploadFailed without uploading
  --firmware-download-failure-pct P  fault: P% of chargers fail UpdateFirmware's download (DownloadFailed)
  --firmware-install-failure-pct P   fault: P% of chargers fail its installation (InstallationFailed)
  --security-extension        certificate-store keys and SignedUpdateFirmware (not on Zaptec chargers)
  --firmware-invalid-signature-pct P fault: P% of chargers find the signed firmware's signature invalid
  --duration S                stop after S seconds (default: when scenarios end, or Ctrl-C)
  --per-process N             chargers per worker process before forking                  (5000)
  --quiet                     no live progress line
  -h, --help                  this text`;

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export interface CliOptions {
  url: string;
  model: ModelId;
  chargers: number;
  rampPerSecond: number;
  idPrefix: string;
  idStart: number;
  password?: string;
  scenario?: Scenario;
  keys: Record<string, string>;
  faults: Faults;
  /** The security extension with a certificate store (SimulatedChargerOptions.securityExtension). */
  securityExtension: boolean;
  durationS?: number;
  perProcess: number;
  quiet: boolean;
  help: boolean;
  /** Internal: this process is a worker of a parent run. */
  worker: boolean;
  /** Internal (worker): index slice start:count into the identities, and source address. */
  slice?: { start: number; count: number };
  sourceAddress?: string;
}

function int(name: string, v: string | undefined, def: number, min: number): number {
  if (v === undefined) return def;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be an integer >= ${min} (got '${v}')`);
  return Number(v);
}
function pct(name: string, v: string | undefined): number {
  if (v === undefined) return 0;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`--${name} must be a percentage 0..100 (got '${v}')`);
  return n;
}
function positive(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a number > 0 (got '${v}')`);
  return n;
}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        model: { type: 'string', default: 'go' },
        chargers: { type: 'string' },
        'ramp-per-second': { type: 'string' },
        'id-prefix': { type: 'string', default: 'ZAPSIM' },
        'id-start': { type: 'string' },
        password: { type: 'string' },
        scenario: { type: 'string' },
        'charge-minutes': { type: 'string' },
        'power-w': { type: 'string' },
        'id-tag': { type: 'string', default: 'SIMTAG' },
        'free-charging': { type: 'boolean', default: false },
        'sample-interval': { type: 'string' },
        'eager-delta': { type: 'string' },
        set: { type: 'string', multiple: true },
        'late-sample-after-stop': { type: 'boolean', default: false },
        'register-offset': { type: 'string' },
        'near-int31': { type: 'boolean', default: false },
        'no-reconnect-after-unacked-close': { type: 'boolean', default: false },
        'diagnostics-upload-fails': { type: 'boolean', default: false },
        'firmware-download-failure-pct': { type: 'string' },
        'firmware-install-failure-pct': { type: 'string' },
        'security-extension': { type: 'boolean', default: false },
        'firmware-invalid-signature-pct': { type: 'string' },
        duration: { type: 'string' },
        'per-process': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        worker: { type: 'boolean', default: false },
        slice: { type: 'string' },
        'source-address': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  const help = v.help === true;
  if (help)
    return {
      help,
      url: '',
      model: 'go',
      chargers: 0,
      rampPerSecond: 1,
      idPrefix: '',
      idStart: 1,
      keys: {},
      faults: noFaults(),
      securityExtension: false,
      perProcess: 1,
      quiet: true,
      worker: false,
    };

  if (!v.url) throw new UsageError('--url is required (e.g. ws://127.0.0.1:9000/ocpp)');
  let url: URL;
  try {
    url = new URL(v.url);
  } catch {
    throw new UsageError(`--url is not a URL: '${v.url}'`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new UsageError('--url must start with ws:// or wss://');
  if (!(v.model in PRESETS)) throw new UsageError(`--model must be go, go2 or pro (got '${v.model}')`);
  if (!/^[A-Za-z0-9._-]{0,40}$/.test(v['id-prefix'])) throw new UsageError('--id-prefix: letters, digits, . _ - only');
  if (v.scenario && v['charge-minutes']) throw new UsageError('use either --scenario or --charge-minutes, not both');
  if (v['firmware-invalid-signature-pct'] !== undefined && !v['security-extension'])
    throw new UsageError('--firmware-invalid-signature-pct needs --security-extension (only SignedUpdateFirmware checks a signature)');

  const keys: Record<string, string> = {};
  for (const kv of v.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects KEY=VALUE (got '${kv}')`);
    keys[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  if (v['free-charging']) {
    if (!PRESETS[v.model as ModelId].hasFreeCharging) throw new UsageError('--free-charging: the Pro has no FreeCharging key');
    keys.FreeCharging = 'true';
  }
  if (v['sample-interval'] !== undefined) keys.MeterValueSampleInterval = String(int('sample-interval', v['sample-interval'], 0, 0));
  if (v['eager-delta'] !== undefined) keys.PowerActiveImportDeltaForEagerMeterValueSample = String(int('eager-delta', v['eager-delta'], 0, 0));

  let scenario: Scenario | undefined;
  if (v.scenario) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(v.scenario, 'utf8'));
    } catch (e) {
      throw new UsageError(`--scenario ${v.scenario}: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      scenario = parseScenario(json);
    } catch (e) {
      if (e instanceof ScenarioError) throw new UsageError(`--scenario ${v.scenario}: ${e.message}`);
      throw e;
    }
  } else if (v['charge-minutes'] !== undefined) {
    const minutes = positive('charge-minutes', v['charge-minutes'], 1);
    const powerW = positive('power-w', v['power-w'], 7400);
    scenario = chargeScenario(minutes, powerW, v['free-charging'] ? undefined : v['id-tag']);
  }

  let slice: CliOptions['slice'];
  if (v.slice !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(v.slice);
    if (!m) throw new UsageError('--slice expects start:count');
    slice = { start: Number(m[1]), count: Number(m[2]) };
  }

  return {
    url: v.url.replace(/\/+$/, ''),
    model: v.model as ModelId,
    chargers: int('chargers', v.chargers, 1, 1),
    rampPerSecond: positive('ramp-per-second', v['ramp-per-second'], 50),
    idPrefix: v['id-prefix'],
    idStart: int('id-start', v['id-start'], 1, 0),
    ...(v.password !== undefined ? { password: v.password } : {}),
    ...(scenario ? { scenario } : {}),
    keys,
    faults: {
      lateSampleAfterStop: v['late-sample-after-stop'] === true,
      registerOffsetWh: int('register-offset', v['register-offset'], 0, 0),
      nearInt31: v['near-int31'] === true,
      noReconnectAfterUnackedClose: v['no-reconnect-after-unacked-close'] === true,
      diagnosticsUploadFails: v['diagnostics-upload-fails'] === true,
      firmwareDownloadFailurePct: pct('firmware-download-failure-pct', v['firmware-download-failure-pct']),
      firmwareInstallFailurePct: pct('firmware-install-failure-pct', v['firmware-install-failure-pct']),
      firmwareInvalidSignaturePct: pct('firmware-invalid-signature-pct', v['firmware-invalid-signature-pct']),
    },
    securityExtension: v['security-extension'] === true,
    ...(v.duration !== undefined ? { durationS: positive('duration', v.duration, 1) } : {}),
    perProcess: int('per-process', v['per-process'], 5000, 1),
    quiet: v.quiet === true,
    help: false,
    worker: v.worker === true,
    ...(slice ? { slice } : {}),
    ...(v['source-address'] !== undefined ? { sourceAddress: v['source-address'] } : {}),
  };
}

function noFaults(): Faults {
  return { ...NO_FAULTS };
}

export function identityAt(o: Pick<CliOptions, 'idPrefix' | 'idStart'>, index: number): string {
  return `${o.idPrefix}${String(o.idStart + index).padStart(6, '0')}`;
}

/** Source addresses only make sense towards a loopback target: 127.0.0.x all reach a server on 127.0.0.1. */
export function isLoopbackTarget(url: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(new URL(url).hostname);
}
