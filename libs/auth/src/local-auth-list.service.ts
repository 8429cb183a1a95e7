import { Inject, Injectable } from '@nestjs/common';
import type { CommandReply } from '#csms/bus';
import type { GetConfigurationResponse, GetLocalListVersionResponse, SendLocalListRequest, SendLocalListResponse } from '#csms/ocpp';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import { CHARGER_COMMANDS, type ChargerCommands } from './charger-commands.js';
import type { LocalListOutcome } from './charger-registry.service.rows.js';
import type { IdTagView } from './id-tags.service.js';
import { LocalAuthListStore, type LocalListEntry, type LocalListState } from './local-auth-list.store.js';
import { canonicalIdentity } from './zaptec.js';

/** SendLocalListMaxLength when the charger never reported it. */
export const DEFAULT_SEND_LOCAL_LIST_MAX_LENGTH = 20;
export const DEFAULT_LOCAL_LIST_TIMEOUT_MS = 30_000;
const ORIGIN = 'auth';

/**
 * The charger's local authorization list (OCPP 1.6 §5.15, §5.16, §3.5): the idTags of its group. A Full update on
 * a connect whose GetLocalListVersion differs from what we last had Accepted (or after a change we could not
 * deliver); one Differential per tag change while we believe the charger is in sync. Work on one charger is
 * serialised within this replica, so versions go up one at a time.
 */
@Injectable()
export class LocalAuthListService {
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly timeoutMs: number;

  constructor(
    @Inject(LocalAuthListStore) private readonly store: LocalAuthListStore,
    @Inject(CHARGER_COMMANDS) private readonly commands: ChargerCommands,
    @Inject(AUTH_OPTIONS) options: Pick<AuthOptions, 'localListTimeoutMs'> = {},
  ) {
    this.timeoutMs = options.localListTimeoutMs ?? DEFAULT_LOCAL_LIST_TIMEOUT_MS;
  }

  view(chargerId: string): Promise<LocalListState | undefined> {
    return this.store.state(chargerId);
  }

  /** Stores the charger's group; false when the charger is not registered. The caller then runs `syncFull`. */
  setGroup(chargerId: string, group: string | null): Promise<boolean> {
    return this.store.setGroup(chargerId, group);
  }

  /** Sends the whole list now (after a group change); a charger not connected gets it at its next connect. */
  syncFull(chargerId: string): Promise<void> {
    const id = canonicalIdentity(chargerId);
    return this.serial(id, async () => {
      const c = await this.store.state(id);
      if (c) await this.full(c);
    });
  }

  /** A connection event: compare GetLocalListVersion with what we last had Accepted; send a Full update if it differs. */
  onConnected(chargerId: string): Promise<void> {
    return this.serial(chargerId, async () => {
      let c = await this.store.state(chargerId);
      // A charger that never had a group and never got a list from us is left alone.
      if (!c || (c.group === null && c.listVersion === 0 && c.outcome === null)) return;
      if (c.sendLocalListMaxLength === null || c.localAuthListMaxLength === null) c = await this.askLimits(c);
      const reply = await this.commands.send(chargerId, { action: 'GetLocalListVersion', payload: {}, timeoutMs: this.timeoutMs, origin: ORIGIN });
      if (reply.status !== 'ok') return this.recordFailure(chargerId, 'GetLocalListVersion', reply);
      const version = Number((reply.result as GetLocalListVersionResponse).listVersion);
      // -1: the charger has no local list (OCPP 1.6 §5.10).
      if (version === -1) return this.store.record(chargerId, 'NotSupported', 'GetLocalListVersion answered -1');
      if (version === c.listVersion && c.outcome === 'Accepted') return;
      await this.full(c, version);
    });
  }

  /** A tag was created, replaced or deleted: a Differential to each charger of the group(s) it left or is in. */
  async tagChanged(before: IdTagView | undefined, after: IdTagView | undefined): Promise<void> {
    const changes = new Map<string, LocalListEntry>();
    // Removal from the old group: no idTagInfo (OCPP 1.6 §5.15, Differential).
    if (before?.group && before.group !== after?.group) changes.set(before.group, { idTag: before.idTag });
    if (after?.group) {
      const entry = await this.store.entryOf(after.group, after.idTag);
      if (entry) changes.set(after.group, entry);
    }
    const work: Array<Promise<void>> = [];
    for (const [group, entry] of changes) {
      for (const id of await this.store.chargersOfGroup(group)) work.push(this.serial(id, () => this.differential(id, entry)));
    }
    await Promise.all(work);
  }

  private async differential(chargerId: string, entry: LocalListEntry): Promise<void> {
    const c = await this.store.state(chargerId);
    if (!c) return;
    // Not known to be in sync (never sent, missed a change, failed): only a Full update makes it right.
    if (c.outcome !== 'Accepted') return this.full(c);
    if (c.group !== null && entry.idTagInfo && c.localAuthListMaxLength !== null) {
      const count = await this.store.countOfGroup(c.group);
      if (count > c.localAuthListMaxLength) return this.tooMany(c, count);
    }
    const version = c.listVersion + 1;
    const reply = await this.sendList(chargerId, { listVersion: version, updateType: 'Differential', localAuthorizationList: [entry] });
    if (reply.status !== 'ok') return this.recordFailure(chargerId, 'SendLocalList', reply);
    const status = (reply.result as SendLocalListResponse).status;
    // The charger's version is not the one we believe: start over with the whole list.
    if (status === 'VersionMismatch') return this.full({ ...c, outcome: 'VersionMismatch' });
    await this.store.record(chargerId, status, status === 'Accepted' ? `Differential ${entry.idTag}` : null, status === 'Accepted' ? version : undefined);
  }

  /** One Full message, then Differential chunks, each within SendLocalListMaxLength and with its own higher version. */
  private async full(c: LocalListState, chargerVersion?: number): Promise<void> {
    const entries = await this.store.entriesOfGroup(c.group);
    if (c.localAuthListMaxLength !== null && entries.length > c.localAuthListMaxLength) return this.tooMany(c, entries.length);
    const size = Math.max(1, c.sendLocalListMaxLength ?? DEFAULT_SEND_LOCAL_LIST_MAX_LENGTH);
    const chunks: LocalListEntry[][] = [];
    for (let i = 0; i < entries.length; i += size) chunks.push(entries.slice(i, i + size));
    if (chunks.length === 0) chunks.push([]);
    let version = Math.max(c.listVersion, chargerVersion ?? 0) + 1;
    let held: number | undefined;
    for (const [i, chunk] of chunks.entries()) {
      const reply = await this.sendList(c.chargerId, { listVersion: version, updateType: i === 0 ? 'Full' : 'Differential', localAuthorizationList: chunk });
      if (reply.status !== 'ok') return this.recordFailure(c.chargerId, 'SendLocalList', reply, held);
      const status = (reply.result as SendLocalListResponse).status;
      if (status !== 'Accepted') return this.store.record(c.chargerId, status, `part ${i + 1} of ${chunks.length} of the Full update`, held);
      held = version++;
    }
    await this.store.record(c.chargerId, 'Accepted', `Full: ${entries.length} idTags in ${chunks.length} message(s)`, held);
  }

  private tooMany(c: LocalListState, count: number): Promise<void> {
    return this.store.record(
      c.chargerId,
      'TooManyTags',
      `group ${c.group} has ${count} idTags, more than the charger's LocalAuthListMaxLength ${c.localAuthListMaxLength}; nothing sent`,
    );
  }

  private sendList(chargerId: string, payload: SendLocalListRequest): Promise<CommandReply> {
    return this.commands.send(chargerId, { action: 'SendLocalList', payload, timeoutMs: this.timeoutMs, origin: ORIGIN });
  }

  private recordFailure(chargerId: string, action: string, reply: Exclude<CommandReply, { status: 'ok' }>, held?: number): Promise<void> {
    if (reply.status === 'not-connected') return this.store.record(chargerId, 'not-connected', 'sent at the next connect', held);
    const detail =
      reply.status === 'timeout'
        ? `${action}: no answer within ${this.timeoutMs} ms`
        : reply.status === 'connection-lost'
          ? `${action}: sent, but the connection closed before an answer`
          : reply.status === 'callerror'
            ? `${action}: CALLERROR ${reply.code} ${reply.description}`
            : `${action}: refused before sending: ${reply.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
    // A charger that does not implement the action at all has no local list.
    const outcome: LocalListOutcome = reply.status === 'callerror' && reply.code === 'NotImplemented' ? 'NotSupported' : 'Failed';
    return this.store.record(chargerId, outcome, detail, held);
  }

  /**
   * The two limits, when nobody reported them yet (config-manager forwards only the keys it knows): asked once per
   * connect; a charger that does not know them keeps the defaults.
   */
  private async askLimits(c: LocalListState): Promise<LocalListState> {
    const reply = await this.commands.send(c.chargerId, {
      action: 'GetConfiguration',
      payload: { key: ['SendLocalListMaxLength', 'LocalAuthListMaxLength'] },
      timeoutMs: this.timeoutMs,
      origin: ORIGIN,
    });
    if (reply.status !== 'ok') return c;
    const keys = (reply.result as GetConfigurationResponse).configurationKey ?? [];
    const read = (name: string): number | null => {
      const v = keys.find((k) => k.key === name)?.value;
      return v !== undefined && /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : null;
    };
    const send = read('SendLocalListMaxLength') ?? c.sendLocalListMaxLength;
    const max = read('LocalAuthListMaxLength') ?? c.localAuthListMaxLength;
    if (send !== c.sendLocalListMaxLength || max !== c.localAuthListMaxLength) await this.store.setLimits(c.chargerId, send, max);
    return { ...c, sendLocalListMaxLength: send, localAuthListMaxLength: max };
  }

  private serial(chargerId: string, task: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(chargerId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(task);
    this.chains.set(chargerId, next);
    // Drop the chain once idle, so the map holds only chargers with work in flight.
    void next.catch(() => undefined).finally(() => this.chains.get(chargerId) === next && this.chains.delete(chargerId));
    return next;
  }
}
