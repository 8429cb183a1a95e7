import { ROOT_CONTEXT, withContext } from '#csms/tracing';

/**
 * The one settled promise that idle per-charger state points at: a presence's chain whose steps are done, a session
 * with no CALL in progress. A promise keeps the tracing context it was created in (the charger's connect span, a
 * CALL's span) for as long as it lives, so holding the last step's own promise would keep that context per charger
 * (docs/benchmarks.md#memory-per-charger). Made outside any span.
 */
export const SETTLED: Promise<void> = withContext(ROOT_CONTEXT, () => Promise.resolve());
