import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ok, refuse, type ApiFieldError, type ServiceReply } from '#csms/http';
import { DATA_SOURCE, keyedBatcher, type Batcher, sqlOf, type Sql } from '#csms/persistence';
import { CHARGER_MODELS, getKeyDefinition, MODEL_NAMES, type ChargerModel } from '#csms/zaptec-profile';
import { isChargerModel } from '../registry/charger-model.js';
import { notInSyncReason } from './boot-sync.js';
import { ChargerStateStore, type ChargerInfo } from './charger-state.store.js';
import { badKeysBody, refusalsOfChange, type ChargerCase } from './desired-validation.js';
import { DesiredStore, writeAudit, type AuditView } from './desired-store.js';
import {
  computeDrift,
  effectiveFor,
  reportedValues,
  type DesiredLevels,
  type EffectiveConfiguration,
  type KeyDrift,
  type ReportedSnapshot,
} from './effective.js';
import type { DesiredScope } from './desired-store.rows.js';
import { Reconciler } from './reconciler.js';

export type KeysChange = Record<string, string | null>;
export interface SetChargerConfigurationRequest {
  chargerId: string;
  keys: KeysChange;
  actor?: string;
}
export interface SetGroupConfigurationRequest {
  group: string;
  keys: KeysChange;
  actor?: string;
}
export interface SetFleetConfigurationRequest {
  keys: KeysChange;
  actor?: string;
}
export interface SetModelConfigurationRequest {
  model: string;
  keys: KeysChange;
  actor?: string;
}
/**
 * A ChangeConfiguration an operator sent through the command API and the charger accepted
 * (docs/reference/design-decisions.md#command-api-changes-stick).
 */
export interface RecordCommandChangeRequest {
  chargerId: string;
  key: string;
  value: string;
  status: string;
  actor?: string;
}
export interface RecordCommandChangeView {
  chargerId: string;
  key: string;
  value: string;
  recorded: boolean;
  level?: 'charger';
  reason?: string;
}
export interface RetryRefusedRequest {
  chargerId: string;
  keys?: string[];
  actor?: string;
}
export interface SetGroupMembersRequest {
  group: string;
  chargerIds: string[];
  actor?: string;
}

export interface ChargerConfigurationView {
  chargerId: string;
  model: ChargerModel;
  modelName: string;
  connected: boolean;
  reported: { at: string; ageSeconds: number; keys: Array<{ key: string; value: string | null; readonly: boolean }> } | null;
  desired: DesiredLevels;
  effective: Record<string, string>;
  /** Where each effective value comes from: fleet < model < group < charger, the most specific wins. */
  sources: Record<string, DesiredScope>;
  /** Fleet/model/group keys this model does not have: not applied to it. */
  notApplicable: string[];
  drift: KeyDrift[];
  drifted: boolean;
}
export interface LevelView {
  scope: DesiredScope;
  name?: string;
  keys: Record<string, string>;
  members?: string[];
}

const MAX_GROUP_NAME = 100;
const actorOf = (a: string | undefined): string => (a && a.startsWith('api:') ? a : 'api:anonymous');

/** The `api.config-manager.*` verbs: desired configuration per level, validated by the profile before it is stored. */
@Injectable()
export class DesiredService {
  /** Every BootNotification asks; boots arriving together share three queries (see Batcher). */
  private readonly heartbeats: Batcher<string, number | undefined>;

  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(DesiredStore) private readonly desired: DesiredStore,
    @Inject(ChargerStateStore) private readonly state: ChargerStateStore,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('DesiredService'),
  ) {
    this.sql = sqlOf(db);
    this.heartbeats = keyedBatcher(
      async (ids) => {
        const models = await this.state.models(ids);
        const levels = await this.desired.levelsOf(ids);
        const reported = await this.state.reportedMany(ids);
        return new Map(
          ids.map((id) => {
            const value = effectiveFor(levels.get(id) as DesiredLevels, models.get(id) as ChargerModel, reported.get(id) ?? {}).effective.HeartbeatInterval;
            return [id, value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined];
          }),
        );
      },
      () => undefined,
    );
  }

  /** The charger's effective desired HeartbeatInterval (s), for its BootNotification answer. */
  heartbeatIntervalFor(chargerId: string): Promise<number | undefined> {
    return this.heartbeats.add(chargerId);
  }

  /**
   * For the boot policy (BootService.useConfigurationSyncCheck): why the charger is not yet in sync with its
   * effective desired configuration, from the same drift GET shows; undefined when it is.
   */
  async notInSyncAtBoot(chargerId: string, bootAt: Date): Promise<string | undefined> {
    const { snapshot, drift } = await this.driftOf(chargerId);
    return notInSyncReason(snapshot !== null, drift, bootAt);
  }

  private async driftOf(
    chargerId: string,
  ): Promise<{ info: ChargerInfo; levels: DesiredLevels; snapshot: ReportedSnapshot | null; eff: EffectiveConfiguration; drift: KeyDrift[] }> {
    const info = await this.state.info(chargerId);
    const levels = await this.desired.levelsFor(chargerId);
    const snapshot = await this.state.reported(chargerId);
    const eff = effectiveFor(levels, info.model, reportedValues(snapshot));
    const drift = computeDrift(eff, snapshot, await this.state.applyStates(chargerId), info);
    return { info, levels, snapshot, eff, drift };
  }

  async getCharger(chargerId: string): Promise<ServiceReply<ChargerConfigurationView>> {
    const { info, levels, snapshot, eff, drift } = await this.driftOf(chargerId);
    if (!info.known && !snapshot && levels.group === null && Object.keys(levels.charger).length === 0) {
      return refuse(404, 'charger_not_found', `charger ${chargerId} is not known and has no desired configuration`);
    }
    return ok({
      chargerId,
      model: info.model,
      modelName: MODEL_NAMES[info.model],
      connected: info.connected,
      reported: snapshot && {
        at: snapshot.at.toISOString(),
        ageSeconds: Math.max(0, Math.round((Date.now() - snapshot.at.getTime()) / 1000)),
        keys: Object.entries(snapshot.keys).map(([key, v]) => ({ key, value: v.value, readonly: v.readonly })),
      },
      desired: levels,
      effective: eff.effective,
      sources: eff.source,
      notApplicable: eff.notApplicable,
      drift,
      drifted: drift.some((d) => d.state === 'drifted' || d.state === 'refused'),
    });
  }

  async setCharger(req: SetChargerConfigurationRequest): Promise<ServiceReply<ChargerConfigurationView>> {
    const bad = this.checkBody(req.keys);
    if (bad) return bad;
    const info = await this.state.info(req.chargerId);
    const before = await this.desired.levelsFor(req.chargerId);
    const after = { ...before, charger: applyChange(before.charger, req.keys) };
    const reported = (await this.state.reportedMany([req.chargerId])).get(req.chargerId) ?? {};
    const errors = refusalsOfChange([{ chargerId: req.chargerId, model: info.model, reported, before, after }], false);
    if (errors.length > 0) return refused(errors, `charger ${req.chargerId} (${MODEL_NAMES[info.model]})`);
    await this.sql.transaction((tx) => this.desired.writeLevel(tx, 'charger', req.chargerId, req.keys, actorOf(req.actor)));
    if (info.connected) this.trigger([req.chargerId]);
    return this.getCharger(req.chargerId);
  }

  async getLevel(scope: 'fleet' | 'model' | 'group', name = ''): Promise<ServiceReply<LevelView>> {
    if (scope === 'fleet') return ok({ scope, keys: await this.desired.level('fleet', '') });
    if (scope === 'model') return this.checkModel(name) ?? ok({ scope, name, keys: await this.desired.level('model', name) });
    if (!(await this.desired.groupExists(name))) return refuse(404, 'group_not_found', `group ${name} does not exist`);
    return ok({ scope, name, keys: await this.desired.level('group', name), members: await this.desired.members(name) });
  }

  async setFleet(req: SetFleetConfigurationRequest): Promise<ServiceReply<LevelView>> {
    return this.setLevel('fleet', '', req.keys, req.actor);
  }

  /**
   * The level of one model (docs/reference/design-decisions.md#desired-configuration): validated for every charger of
   * that model, as a group change is for its members.
   */
  async setModel(req: SetModelConfigurationRequest): Promise<ServiceReply<LevelView>> {
    return this.checkModel(req.model) ?? this.setLevel('model', req.model, req.keys, req.actor);
  }

  /**
   * docs/reference/design-decisions.md#command-api-changes-stick: a ChangeConfiguration sent through the command API
   * that the charger Accepted (or will take after a
   * reboot) becomes the charger-level desired value, audited with the caller, so reconciliation keeps it instead
   * of undoing it. AuthorizationKey stays auth's (key rotation), never a desired key.
   */
  async recordCommandChange(req: RecordCommandChangeRequest): Promise<ServiceReply<RecordCommandChangeView>> {
    if (typeof req.chargerId !== 'string' || typeof req.key !== 'string' || typeof req.value !== 'string' || req.key === '') {
      return refuse(400, 'validation_failed', 'chargerId, key and value must be strings', [
        { field: 'key', rule: 'isString', message: 'chargerId, key and value must be strings' },
      ]);
    }
    const def = getKeyDefinition(req.key);
    const key = def?.name ?? req.key; // the registry's spelling, so desired and reported keys match
    const base = { chargerId: req.chargerId, key, value: req.value };
    if (req.status !== 'Accepted' && req.status !== 'RebootRequired') return ok({ ...base, recorded: false, reason: `the charger answered ${req.status}` });
    if (def?.name === 'AuthorizationKey')
      return ok({ ...base, recorded: false, reason: "AuthorizationKey belongs to auth's key rotation, never to the desired configuration" });
    const info = await this.state.info(req.chargerId);
    const actor = actorOf(req.actor);
    await this.sql.transaction(async (tx) => {
      const written = await this.desired.writeLevel(tx, 'charger', req.chargerId, { [key]: req.value }, actor, `command:${req.status}`);
      // Already the charger-level value: the command is still the operator's act, so it is audited all the same.
      if (written.length === 0) {
        await writeAudit(tx, [
          {
            actor,
            chargerId: req.chargerId,
            scope: 'charger',
            scopeId: req.chargerId,
            key,
            oldValue: req.value,
            newValue: req.value,
            outcome: `command:${req.status}`,
          },
        ]);
      }
    });
    await this.state.setApplyState(req.chargerId, key, req.value, req.status, 'sent through the command API', { on: info });
    // A round that read the charger before this change may still send the older effective value: one more round
    // after it, which now finds the operator's value desired (and the charger holding it).
    if (this.reconciler.busy(req.chargerId)) this.trigger([req.chargerId]);
    return ok({ ...base, recorded: true, level: 'charger' });
  }

  /** An operator asks for keys the charger refused to be tried again (all refused keys when `keys` is absent). */
  async retryRefused(req: RetryRefusedRequest): Promise<ServiceReply<ChargerConfigurationView>> {
    if (req.keys !== undefined && (!Array.isArray(req.keys) || req.keys.some((k) => typeof k !== 'string' || k === ''))) {
      return refuse(400, 'validation_failed', 'keys must be an array of key names', [
        { field: 'keys', rule: 'isArray', message: 'keys must be an array of non-empty key names' },
      ]);
    }
    const forgotten = await this.state.forgetRefusals(req.chargerId, req.keys);
    await writeAudit(
      this.sql,
      forgotten.map((key) => ({ actor: actorOf(req.actor), chargerId: req.chargerId, key, oldValue: null, newValue: null, outcome: 'retry requested' })),
    );
    const info = await this.state.info(req.chargerId);
    if (info.connected && forgotten.length > 0) this.trigger([req.chargerId]);
    return this.getCharger(req.chargerId);
  }

  async setGroup(req: SetGroupConfigurationRequest): Promise<ServiceReply<LevelView>> {
    const badName = this.checkGroupName(req.group);
    return badName ?? this.setLevel('group', req.group, req.keys, req.actor);
  }

  async setGroupMembers(req: SetGroupMembersRequest): Promise<ServiceReply<LevelView>> {
    const badName = this.checkGroupName(req.group);
    if (badName) return badName;
    if (!Array.isArray(req.chargerIds) || req.chargerIds.some((id) => typeof id !== 'string' || id === '')) {
      return refuse(400, 'validation_failed', 'chargerIds must be an array of charger ids', [
        { field: 'chargerIds', rule: 'isArray', message: 'chargerIds must be an array of non-empty strings' },
      ]);
    }
    const ids = [...new Set(req.chargerIds)];
    const current = await this.desired.members(req.group);
    const moved = [...new Set([...ids, ...current])];
    const groupOf = new Map<string, string | null>(moved.map((id) => [id, ids.includes(id) ? req.group : null]));
    const before = await this.desired.levelsOf(moved);
    const after = await this.desired.levelsOf(moved, { groupOf });
    const errors = refusalsOfChange(await this.cases(moved, before, after), true);
    if (errors.length > 0) return refused(errors, `group ${req.group}`);
    await this.sql.transaction((tx) => this.desired.setMembers(tx, req.group, ids, actorOf(req.actor)));
    await this.triggerConnected(moved);
    return this.getLevel('group', req.group);
  }

  async history(chargerId: string, limit = 100): Promise<ServiceReply<{ chargerId: string; items: AuditView[] }>> {
    const n = Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : 100;
    return ok({ chargerId, items: await this.desired.history(chargerId, n) });
  }

  private async setLevel(scope: 'fleet' | 'model' | 'group', name: string, keys: KeysChange, actor: string | undefined): Promise<ServiceReply<LevelView>> {
    const bad = this.checkBody(keys);
    if (bad) return bad;
    const affected =
      scope === 'fleet'
        ? await this.desired.allChargers()
        : scope === 'model'
          ? await this.state.chargersOfModel(name as ChargerModel)
          : await this.desired.members(name);
    const patch = (l: DesiredLevels): DesiredLevels =>
      scope === 'fleet'
        ? { ...l, fleet: applyChange(l.fleet, keys) }
        : scope === 'model'
          ? { ...l, model: { name: l.model.name, keys: applyChange(l.model.keys, keys) } }
          : { ...l, group: { name, keys: applyChange(l.group?.keys ?? {}, keys) } };
    let cases: ChargerCase[];
    if (affected.length > 0) {
      const before = await this.desired.levelsOf(affected);
      const after = new Map([...before].map(([id, l]) => [id, patch(l)]));
      cases = await this.cases(affected, before, after);
    } else {
      // Nobody to check against yet: a charger of that model, or a generic OCPP 1.6J charger (the rules every model shares).
      const model: ChargerModel = scope === 'model' ? (name as ChargerModel) : 'generic';
      const fleet = await this.desired.level('fleet', '');
      const group = scope === 'group' ? { name, keys: await this.desired.level('group', name) } : null;
      const before: DesiredLevels = { fleet, model: { name: model, keys: await this.desired.level('model', model) }, group, charger: {} };
      cases = [{ chargerId: null, model, reported: {}, before, after: patch(before) }];
    }
    const errors = refusalsOfChange(cases, true);
    if (errors.length > 0)
      return refused(errors, scope === 'fleet' ? 'the fleet' : scope === 'model' ? `model ${name} (${MODEL_NAMES[name as ChargerModel]})` : `group ${name}`);
    await this.sql.transaction((tx) => this.desired.writeLevel(tx, scope, name, keys, actorOf(actor)));
    await this.triggerConnected(affected);
    return this.getLevel(scope, name);
  }

  private checkModel(model: unknown): ServiceReply<never> | undefined {
    if (isChargerModel(model)) return undefined;
    return refuse(404, 'model_not_found', `model ${String(model)} does not exist; models: ${CHARGER_MODELS.join(', ')}`);
  }

  private async cases(ids: string[], before: Map<string, DesiredLevels>, after: Map<string, DesiredLevels>): Promise<ChargerCase[]> {
    const models = await this.state.models(ids);
    const reported = await this.state.reportedMany(ids);
    return ids.map((id) => ({
      chargerId: id,
      model: models.get(id) as ChargerModel,
      reported: reported.get(id) ?? {},
      before: before.get(id) as DesiredLevels,
      after: after.get(id) as DesiredLevels,
    }));
  }

  private checkBody(keys: unknown): ServiceReply<never> | undefined {
    const bad = badKeysBody(keys);
    if (bad.length > 0) return refuse(400, 'validation_failed', bad.map((e) => e.message).join('; '), bad);
    // Auth owns AuthorizationKey (rotation with the pending password,
    // docs/reference/protocol-notes.md#authorizationkey): never a desired key.
    const owned = Object.keys(keys as object).filter((k) => getKeyDefinition(k)?.name === 'AuthorizationKey');
    if (owned.length > 0) {
      return refused(
        owned.map((key) => ({
          key,
          value: null,
          rule: 'authorizationKey.ownedByAuth',
          message: "AuthorizationKey is set through auth's key rotation (POST /api/v1/chargers/:id/authorization-key), never as desired configuration.",
        })),
        'this change',
      );
    }
    return undefined;
  }

  private checkGroupName(name: unknown): ServiceReply<never> | undefined {
    if (typeof name === 'string' && name.trim() !== '' && name.length <= MAX_GROUP_NAME) return undefined;
    return refuse(400, 'validation_failed', `group name must be 1 to ${MAX_GROUP_NAME} characters`, [
      { field: 'name', rule: 'length', message: `group name must be 1 to ${MAX_GROUP_NAME} characters` },
    ]);
  }

  private async triggerConnected(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const connected = new Set(await this.state.connectedChargers());
    this.trigger(ids.filter((id) => connected.has(id)));
  }

  /** Applied at once, but the API does not wait: the outcome shows in GET (apply state, drift). */
  private trigger(ids: string[]): void {
    for (const id of ids) {
      this.reconciler.request(id).catch((err: unknown) => this.log.warn(`reconciliation of ${id} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}

function applyChange(level: Record<string, string>, change: KeysChange): Record<string, string> {
  const out = { ...level };
  for (const [k, v] of Object.entries(change)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

function refused(errors: ApiFieldError[], what: string): ServiceReply<never> {
  return refuse(422, 'configuration_refused', `desired configuration for ${what} refused: ${errors.map((e) => e.message).join(' ')}`, errors);
}
