// Minimal typing of the part of ocpp-rpc (CommonJS, MIT) the simulator uses.
// Deliberately a *module* declaration (types imported from './ocpp-rpc.js') and not an ambient
// `declare module 'ocpp-rpc'`: the package ships its own index.d.ts, and an ambient declaration would
// silently replace it for every folder of the monorepo (ambient modules win over node_modules lookup).
// rpc.ts casts the runtime module to these types once.

import type { EventEmitter } from 'node:events';

export type JsonObject = Record<string, unknown>;

export interface HandlerArgs {
  method: string;
  params: JsonObject;
  messageId: string;
  signal: AbortSignal;
}

export type CallHandler = (args: HandlerArgs) => unknown;

export interface RpcClientOptions {
  endpoint: string;
  identity: string;
  protocols?: string[];
  password?: string | Buffer | null;
  strictMode?: boolean;
  reconnect?: boolean;
  callTimeoutMs?: number;
  pingIntervalMs?: number;
  callConcurrency?: number;
  maxBadMessages?: number;
  wsOpts?: { localAddress?: string; handshakeTimeout?: number };
}

export interface RpcClient extends EventEmitter {
  readonly identity: string;
  readonly state: number;
  readonly protocol: string | undefined;
  connect(): Promise<unknown>;
  close(options?: { code?: number; reason?: string; awaitPending?: boolean; force?: boolean }): Promise<{ code: number; reason: string }>;
  handle(method: string, handler: CallHandler): void;
  handle(handler: CallHandler): void;
  call(method: string, params?: JsonObject, options?: { callTimeoutMs?: number; signal?: AbortSignal }): Promise<unknown>;
  reconfigure(options: Partial<RpcClientOptions>): void;
  sendRaw(message: unknown): void;
}

export interface RpcServerClient extends RpcClient {
  readonly handshake: { identity: string; password?: Buffer; remoteAddress: string; endpoint: string };
  readonly session: unknown;
}

export interface RpcServerOptions {
  protocols?: string[];
  strictMode?: boolean;
  callTimeoutMs?: number;
  pingIntervalMs?: number;
}

export type AuthCallback = (
  accept: (session?: unknown, protocol?: string) => void,
  reject: (code?: number, message?: string) => void,
  handshake: { identity: string; password?: Buffer; protocols: Set<string>; endpoint: string },
  signal: AbortSignal,
) => void;

export interface RpcServer extends EventEmitter {
  auth(callback: AuthCallback): void;
  listen(port?: number, host?: string): Promise<import('node:http').Server>;
  close(options?: { code?: number; reason?: string; awaitPending?: boolean; force?: boolean }): Promise<void>;
  on(event: 'client', listener: (client: RpcServerClient) => void): this;
  on(event: string, listener: (...args: unknown[]) => void): this;
}

export interface RpcError extends Error {
  rpcErrorCode: string;
  details: JsonObject;
}

export interface OcppRpcModule {
  RPCClient: new (options: RpcClientOptions) => RpcClient;
  RPCServer: new (options?: RpcServerOptions) => RpcServer;
  createRPCError(type: string, message?: string, details?: JsonObject): RpcError;
  RPCError: abstract new (...args: never[]) => RpcError;
}
