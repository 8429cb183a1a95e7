import { MeteringInit1764000000000 } from './1764000000000-metering-init.js';

export { MeteringInit1764000000000 };
export const METERING_MIGRATIONS = [MeteringInit1764000000000];
