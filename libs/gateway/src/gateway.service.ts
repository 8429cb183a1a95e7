import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway-options.js';
import { CapabilityCache } from './api/capability-cache.js';
import { CallRouter } from './routing/call-router.js';
import { SessionRegistry } from './session/session-registry.js';
import { ChargerSocketServer } from './socket/charger-socket-server.js';

/** Owns the charger socket server's life: listens once the app is up, drains before it goes down. */
@Injectable()
export class GatewayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('Gateway');
  readonly registry: SessionRegistry;
  /** The registry's capability answers the command API checks, kept here (docs/benchmarks.md#commands-one-hop). */
  readonly capabilities: CapabilityCache;
  private readonly server: ChargerSocketServer;
  private boundPort?: number;

  constructor(
    @Inject(BUS) bus: Bus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {
    this.registry = new SessionRegistry(bus, options.gatewayId);
    this.capabilities = new CapabilityCache(bus);
    this.server = new ChargerSocketServer(options, bus, this.registry, new CallRouter(bus, options.gatewayId));
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.start();
    await this.capabilities.start();
    this.boundPort = await this.server.listen();
    const scheme = this.options.tls ? 'wss' : 'ws';
    this.log.log(
      `chargers: ${scheme}://${this.options.host ?? '0.0.0.0'}:${this.boundPort}${this.options.pathPrefix}/<identity> (gateway ${this.options.gatewayId})`,
    );
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    // Only a real termination drains slowly; a test closing the app does not wait for the window.
    const window = signal === 'SIGTERM' || signal === 'SIGINT' ? this.options.drainWindowMs : 0;
    this.log.log(`draining ${this.registry.size} charger socket(s) over ${window} ms`);
    await this.server.drain(window);
    await this.registry.stop();
    await this.capabilities.stop();
    await this.server.close();
  }
}
