import type { BootNotificationResponse } from '#csms/ocpp';
import type { RegistrationOutcome } from './registration-lookup.js';

export interface BootDecision {
  status: BootNotificationResponse['status'];
  /** Seconds: the heartbeat interval when Accepted, else how long the charger waits before booting again. */
  interval: number;
  /** Why, for the boot log: `registration:<state>` or `auth-unavailable: <cause>`. */
  reason: string;
}

export interface BootIntervals {
  heartbeatIntervalS: number;
  pendingIntervalS: number;
}

/**
 * BootNotification answer from auth's registration state (docs/reference/design-decisions.md#boot-policy):
 * accepted -> Accepted with the fleet heartbeat; pending -> Pending, retry soon; blocked -> Rejected.
 * Rejected gets the long interval: per OCPP 1.6 §4.2 it is the minimum wait before the next
 * BootNotification, and a blocked charger should not hammer us. Auth not answering is not a verdict
 * on the charger, so it is Pending with the short interval: the charger asks again and gets a real answer.
 */
export function decideBoot(outcome: RegistrationOutcome, intervals: BootIntervals): BootDecision {
  if (outcome.kind === 'unavailable') {
    return { status: 'Pending', interval: intervals.pendingIntervalS, reason: `auth-unavailable: ${outcome.reason}` };
  }
  const { state } = outcome.registration;
  switch (state) {
    case 'accepted':
      return { status: 'Accepted', interval: intervals.heartbeatIntervalS, reason: 'registration:accepted' };
    case 'pending':
      return { status: 'Pending', interval: intervals.pendingIntervalS, reason: 'registration:pending' };
    case 'blocked':
      return { status: 'Rejected', interval: intervals.heartbeatIntervalS, reason: 'registration:blocked' };
    default: {
      // A state this build does not know (auth newer than us): do not accept what we cannot judge.
      const unknown: string = state;
      return { status: 'Pending', interval: intervals.pendingIntervalS, reason: `registration:unknown-state:${unknown}` };
    }
  }
}
