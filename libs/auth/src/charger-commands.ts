import { Inject, Injectable } from '@nestjs/common';
import { BUS, sendCommand, type Bus, type CommandReply, type CommandRequest } from '#csms/bus';

/** Sends a command to a charger: over the bus (whichever gateway holds it) in the service, a charger double in tests. */
export interface ChargerCommands {
  send(chargerId: string, request: CommandRequest): Promise<CommandReply>;
}

/** Where auth's services find their ChargerCommands (BusChargerCommands in AuthModule). */
export const CHARGER_COMMANDS = Symbol.for('csms.auth.charger-commands');

@Injectable()
export class BusChargerCommands implements ChargerCommands {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  send(chargerId: string, request: CommandRequest): Promise<CommandReply> {
    return sendCommand(this.bus, chargerId, request);
  }
}
