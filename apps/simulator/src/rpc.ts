// The simulator is deliberately INDEPENDENT of the CSMS's own libraries (#csms/ocpp, #csms/zaptec-profile):
// framing and schema validation come from the third-party ocpp-rpc package (strict mode, ocpp1.6 schemas),
// and the charger keeps its own key store and rules. A mistake in our CSMS's shared code therefore cannot be
// hidden by the simulator sharing that same code.
import ocppRpc from 'ocpp-rpc';
import type { OcppRpcModule, RpcError } from './ocpp-rpc.js';

// ocpp-rpc is CommonJS; its default import is module.exports. Cast once to our minimal typing (see ocpp-rpc.d.ts).
const rpc = ocppRpc as unknown as OcppRpcModule;

export const RPCClient = rpc.RPCClient;
export const RPCServer = rpc.RPCServer;
export const createRPCError = rpc.createRPCError;

export function isRpcError(e: unknown): e is RpcError {
  return e instanceof Error && typeof (e as Partial<RpcError>).rpcErrorCode === 'string';
}

export const OCPP16 = 'ocpp1.6';
