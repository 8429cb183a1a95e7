import { Logger } from '@nestjs/common';

/** The bus's log, through the process's logger (LOG_LEVEL, LOG_FORMAT), never straight to the console. */
export const busLog = new Logger('Bus');
