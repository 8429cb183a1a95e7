/** Nest injection token of the process's Bus instance. */
export const BUS = Symbol.for('csms.bus');
