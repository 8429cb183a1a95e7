import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ask, BUS, NoRespondersError, sendCommand, subjects, type Bus, type CommandReply, type ServiceReply, type Verb } from '#csms/bus';
import type { ChangeConfigurationResponse, GetConfigurationRequest, GetConfigurationResponse } from '#csms/ocpp';
import { parseInteger } from '#csms/zaptec-profile';
import type { ReportedKey } from './effective.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import * as metering from '#csms/metering/verbs';
import * as auth from '#csms/auth/verbs';

export const ORIGIN = 'config-manager:reconciler';

/** Keys auth keeps per charger (free charging decides StartTransaction's idTag; the decoding mode the password). */
// Free charging and the password mode decide auth's answers; the two list limits bound the local authorization list auth sends.
export const AUTH_KEYS = [
  'FreeCharging',
  'FreeChargingIdTag',
  'UseAuthorizationKeyWithoutDecoding',
  'SendLocalListMaxLength',
  'LocalAuthListMaxLength',
] as const;

export type ReadResult = { ok: true; keys: Record<string, ReportedKey> } | { ok: false; status: 'timeout' | 'not-connected' | 'failed'; message: string };

function describe(reply: Exclude<CommandReply, { status: 'ok' }>): string {
  if (reply.status === 'callerror') return `CALLERROR ${reply.code}: ${reply.description}`;
  if (reply.status === 'invalid') return `invalid answer: ${reply.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
  return reply.status;
}

/** The charger side of reconciliation: GetConfiguration (paged), ChangeConfiguration, and the best-effort forwards. */
@Injectable()
export class ChargerLink {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(DESIRED_OPTIONS) private readonly options: Pick<ResolvedDesiredOptions, 'commandTimeoutMs'>,
    @Optional() private readonly log: Pick<Logger, 'warn' | 'debug'> = new Logger('ChargerLink'),
  ) {}

  private async get(chargerId: string, key?: string[]): Promise<{ ok: true; res: GetConfigurationResponse } | Extract<ReadResult, { ok: false }>> {
    const payload: GetConfigurationRequest = key ? { key } : {};
    const reply = await sendCommand<GetConfigurationResponse>(this.bus, chargerId, {
      action: 'GetConfiguration',
      payload,
      timeoutMs: this.options.commandTimeoutMs,
      origin: ORIGIN,
    });
    if (reply.status === 'ok') return { ok: true, res: reply.result };
    const status = reply.status === 'timeout' || reply.status === 'not-connected' ? reply.status : 'failed';
    return { ok: false, status, message: describe(reply) };
  }

  /**
   * All keys. OCPP 1.6 §9.1 GetConfigurationMaxKeys bounds how many keys one answer holds; a charger that
   * reports it and answers with that many may have cut the list, so the remaining keys we know of (`known`)
   * are asked by name, that many at a time. Keys it does not have come back in unknownKey and are skipped.
   */
  async readAll(chargerId: string, known: string[]): Promise<ReadResult> {
    const first = await this.get(chargerId);
    if (!first.ok) return first;
    const keys: Record<string, ReportedKey> = {};
    const add = (res: GetConfigurationResponse): void => {
      for (const k of res.configurationKey ?? []) keys[k.key] = { value: k.value ?? null, readonly: k.readonly };
    };
    add(first.res);
    if (!('GetConfigurationMaxKeys' in keys)) {
      // A cut answer may itself lack GetConfigurationMaxKeys (a required Core key): ask for it by name.
      const probe = await this.get(chargerId, ['GetConfigurationMaxKeys']);
      if (!probe.ok) return probe;
      add(probe.res);
    }
    const maxKeys = parseInteger(keys['GetConfigurationMaxKeys']?.value ?? '');
    const count = first.res.configurationKey?.length ?? 0;
    if (maxKeys !== undefined && maxKeys > 0 && count >= maxKeys) {
      const missing = known.filter((k) => !(k in keys));
      for (let i = 0; i < missing.length; i += maxKeys) {
        const page = await this.get(chargerId, missing.slice(i, i + maxKeys));
        if (!page.ok) return page;
        add(page.res);
      }
    }
    return { ok: true, keys };
  }

  async change(chargerId: string, key: string, value: string): Promise<CommandReply<ChangeConfigurationResponse>> {
    return sendCommand<ChangeConfigurationResponse>(this.bus, chargerId, {
      action: 'ChangeConfiguration',
      payload: { key, value },
      timeoutMs: this.options.commandTimeoutMs,
      origin: ORIGIN,
    });
  }

  async reset(chargerId: string): Promise<CommandReply> {
    return sendCommand(this.bus, chargerId, { action: 'Reset', payload: { type: 'Soft' }, timeoutMs: this.options.commandTimeoutMs, origin: ORIGIN });
  }

  /**
   * Tells auth and metering what they depend on. Best effort: neither may be running; the next read tells them
   * again. `auth: false` when auth already heard these values (forwardAuth right after the read).
   */
  async forward(chargerId: string, values: Record<string, string>, options: { auth: boolean } = { auth: true }): Promise<void> {
    const authKeys = Object.fromEntries(AUTH_KEYS.filter((k) => values[k] !== undefined).map((k) => [k, values[k] as string]));
    const tasks: Array<Promise<void>> = [];
    if (options.auth && Object.keys(authKeys).length > 0) {
      tasks.push(this.tell(auth.setReportedConfiguration, { chargerId, keys: authKeys }));
    }
    const interval = parseInteger(values['MeterValueSampleInterval'] ?? '');
    if (interval !== undefined && interval >= 0) {
      const eagerDelta = parseInteger(values['PowerActiveImportDeltaForEagerMeterValueSample'] ?? '') ?? 0;
      tasks.push(this.tell(metering.setChargerSettings, { chargerId, meterValueSampleInterval: interval, eagerDelta: Math.max(0, eagerDelta) }));
    }
    await Promise.all(tasks);
  }

  /** Only the auth part of `forward`: right after the charger Accepted one of AUTH_KEYS (see Reconciler). */
  async forwardAuth(chargerId: string, values: Record<string, string>): Promise<void> {
    const keys = Object.fromEntries(AUTH_KEYS.filter((k) => values[k] !== undefined).map((k) => [k, values[k] as string]));
    if (Object.keys(keys).length > 0) await this.tell(auth.setReportedConfiguration, { chargerId, keys });
  }

  /**
   * The reported configuration was stored: its SupportedFeatureProfiles narrows the capabilities the registry
   * answers, so gateways drop the copy they keep (docs/benchmarks.md#commands-one-hop). Best effort, core NATS.
   */
  async reportedStored(chargerId: string): Promise<void> {
    await this.bus
      .publish(subjects.registryChanged(chargerId), { chargerId })
      .catch((err: Error) => this.log.warn(`registry change of ${chargerId} not announced: ${err.message}`));
  }

  private async tell<Req, Data>(verb: Verb<Req, ServiceReply<Data>>, body: NoInfer<Req>): Promise<void> {
    const subject = verb.subject;
    try {
      const reply = await ask(this.bus, verb, body, { timeoutMs: 5_000 });
      if (!reply.ok) this.log.debug(`${subject} refused: ${reply.body.message}`);
    } catch (err) {
      if (err instanceof NoRespondersError) this.log.warn(`${subject}: no responders (service not running); will be sent again after the next read`);
      else this.log.warn(`${subject} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
