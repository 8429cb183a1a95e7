import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ask, NoRespondersError, RemoteHandlerError, RequestTimeoutError, type Bus } from '#csms/bus';
import type { ServiceReply } from './service-reply.js';
import { isActionSupported, type Capabilities } from '#csms/zaptec-profile';
import * as configManager from '#csms/config-manager/verbs';

const log = new Logger('CapabilityCheck');
const REGISTRY_TIMEOUT_MS = 3_000;

export type CapabilityVerdict = { ok: true } | { ok: false; model: string; reason: string };

/** What the check needs of the registry's answer about a charger. */
export interface RegistryCapabilities {
  model: string;
  capabilities?: Capabilities;
}

/** Where the registry's answer comes from: asked each time by default, or a cache that fails as `ask` does (the gateway's). */
export interface CapabilitySource {
  capabilities(chargerId: string): Promise<ServiceReply<RegistryCapabilities>>;
}

function askRegistry(bus: Bus): CapabilitySource {
  return { capabilities: (chargerId) => ask(bus, configManager.getCharger, { chargerId }, { timeoutMs: REGISTRY_TIMEOUT_MS }) };
}

/**
 * docs/reference/design-decisions.md#zaptec-chargers: a command the charger's model does not support (GetDiagnostics on a Pro, a feature
 * profile its SupportedFeatureProfiles lacks) is refused before anything is sent. The capabilities come
 * from the registry (config-manager). When the registry cannot answer, the command goes out unchecked:
 * the charger itself will answer NotSupported/NotImplemented, which is safe, while blocking every
 * command on a registry outage would not be.
 */
export async function checkCapability(bus: Bus, chargerId: string, action: string, source: CapabilitySource = askRegistry(bus)): Promise<CapabilityVerdict> {
  let reply: ServiceReply<RegistryCapabilities>;
  try {
    reply = await source.capabilities(chargerId);
  } catch (err) {
    if (!(err instanceof NoRespondersError) && !(err instanceof RequestTimeoutError) && !(err instanceof RemoteHandlerError)) throw err;
    log.warn(`capabilities of ${chargerId} unknown (${(err as Error).message}); sending ${action} unchecked`);
    return { ok: true };
  }
  if (!reply.ok || !reply.data.capabilities) return { ok: true };
  const verdict = isActionSupported(reply.data.capabilities, action);
  return verdict.ok ? verdict : { ok: false, model: reply.data.model, reason: verdict.reason };
}

/**
 * The API's answer to a command the model lacks: 422 `not_supported_by_model`, naming the request field that chose
 * it (`action` for the command API, `chargerId` where the route fixes the action), before anything is stored or sent.
 */
export async function requireCapability(bus: Bus, chargerId: string, action: string, field: string, source?: CapabilitySource): Promise<void> {
  const capability = await checkCapability(bus, chargerId, action, source);
  if (capability.ok) return;
  throw new HttpException(
    {
      error: 'not_supported_by_model',
      model: capability.model,
      message: capability.reason,
      errors: [{ field, rule: 'model.capability', message: capability.reason }],
    },
    HttpStatus.UNPROCESSABLE_ENTITY,
  );
}
