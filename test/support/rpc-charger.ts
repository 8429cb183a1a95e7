/**
 * An independent OCPP 1.6J charger made with ocpp-rpc in strict mode (it validates every frame the CSMS
 * sends against the 1.6 schemas). ocpp-rpc's typings mark every client option as required and every
 * handler as async; this is the one place that bridges them.
 */
import { RPCClient } from 'ocpp-rpc';

export type RpcHandler = (call: { method: string; params: Record<string, unknown> }) => unknown;

export function rpcCharger(endpoint: string, identity: string, handlers: Record<string, RpcHandler> = {}, fallback?: RpcHandler): RPCClient {
  const client = new RPCClient({ endpoint, identity, protocols: ['ocpp1.6'], strictMode: true, reconnect: false } as unknown as ConstructorParameters<
    typeof RPCClient
  >[0]);
  for (const [method, handler] of Object.entries(handlers)) {
    client.handle(method, async ({ params }) => handler({ method, params: params ?? {} }) as Record<string, unknown>);
  }
  if (fallback) client.handle(async ({ method, params }) => fallback({ method: method ?? '', params: params ?? {} }) as Record<string, unknown>);
  return client;
}
