import { bool, csl, int, key, OPTIONAL, REQUIRED } from './define.js';
import { MEASURANDS } from './measurands.js';
import { STANDARD_FEATURE_PROFILES, type KeyDefinition } from './types.js';

const core = (...args: Parameters<typeof key> extends [unknown, ...infer Rest] ? Rest : never): KeyDefinition => key('Core', ...args);

/** OCPP 1.6 edition 2 §9.1: the 34 Core profile keys. */
export const CORE_KEYS: readonly KeyDefinition[] = [
  core('AllowOfflineTxForUnknownId', bool(), 'RW', OPTIONAL, 'Whether the charge point may start a transaction for an unknown idTag while offline.'),
  core('AuthorizationCacheEnabled', bool(), 'RW', OPTIONAL, 'Whether the authorization cache is used.'),
  // §9.1.3 allows R or RW at the charger's choice; RW here so desired state may ask, a charger with R answers Rejected.
  core('AuthorizeRemoteTxRequests', bool(), 'RW', REQUIRED, 'Whether a RemoteStartTransaction idTag is authorized like a local one before starting.'),
  core('BlinkRepeat', int('times'), 'RW', OPTIONAL, 'Number of times to blink the lights when signalling.'),
  core('ClockAlignedDataInterval', int('s'), 'RW', REQUIRED, 'Interval of clock-aligned meter values, aligned to midnight; 0 turns them off.'),
  core('ConnectionTimeOut', int('s'), 'RW', REQUIRED, 'Time from authorization until the cable must be plugged in before the attempt is cancelled.'),
  core('ConnectorPhaseRotation', csl(), 'RW', REQUIRED, 'Phase rotation per connector, formatted <connectorId>.<rotation>, e.g. 0.RST,1.RST.'),
  core('ConnectorPhaseRotationMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of items in ConnectorPhaseRotation.'),
  core('GetConfigurationMaxKeys', int(undefined, 1), 'R', REQUIRED, 'Maximum number of keys in one GetConfiguration.req.'),
  core('HeartbeatInterval', int('s'), 'RW', REQUIRED, 'Interval between Heartbeat.req messages when idle.'),
  core('LightIntensity', int('%', 0, 100), 'RW', OPTIONAL, 'Percentage of maximum light intensity.'),
  core('LocalAuthorizeOffline', bool(), 'RW', REQUIRED, 'Whether idTags in the cache or local list may start transactions while offline.'),
  core(
    'LocalPreAuthorize',
    bool(),
    'RW',
    REQUIRED,
    'Whether idTags in the cache or local list may start transactions without asking the central system first.',
  ),
  core('MaxEnergyOnInvalidId', int('Wh'), 'RW', OPTIONAL, 'Energy delivered after an idTag turned out invalid, before the transaction stops.'),
  core('MeterValuesAlignedData', csl(MEASURANDS), 'RW', REQUIRED, 'Measurands sent in clock-aligned MeterValues.req.'),
  core('MeterValuesAlignedDataMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of items in MeterValuesAlignedData.'),
  core('MeterValuesSampledData', csl(MEASURANDS), 'RW', REQUIRED, 'Measurands sent in sampled (Sample.Periodic) MeterValues.req during a transaction.'),
  core('MeterValuesSampledDataMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of items in MeterValuesSampledData.'),
  core('MeterValueSampleInterval', int('s'), 'RW', REQUIRED, 'Interval of sampled meter values during a transaction; 0 turns them off.'),
  core('MinimumStatusDuration', int('s'), 'RW', OPTIONAL, 'Minimum duration a status must last before a StatusNotification.req is sent.'),
  core('NumberOfConnectors', int(undefined, 1), 'R', REQUIRED, 'Number of physical connectors.'),
  core('ResetRetries', int('times'), 'RW', REQUIRED, 'Number of times to retry a failed reset.'),
  core('StopTransactionOnEVSideDisconnect', bool(), 'RW', REQUIRED, 'Whether a transaction stops when the cable is unplugged at the EV.'),
  core('StopTransactionOnInvalidId', bool(), 'RW', REQUIRED, 'Whether an ongoing transaction stops when its idTag is found not Accepted.'),
  core('StopTxnAlignedData', csl(MEASURANDS), 'RW', REQUIRED, 'Clock-aligned measurands included in StopTransaction.req transactionData.'),
  core('StopTxnAlignedDataMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of items in StopTxnAlignedData.'),
  core('StopTxnSampledData', csl(MEASURANDS), 'RW', REQUIRED, 'Sampled measurands included in StopTransaction.req transactionData.'),
  core('StopTxnSampledDataMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of items in StopTxnSampledData.'),
  core('SupportedFeatureProfiles', csl(STANDARD_FEATURE_PROFILES), 'R', REQUIRED, 'Feature profiles the charge point supports.'),
  core('SupportedFeatureProfilesMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of items in SupportedFeatureProfiles.'),
  core(
    'TransactionMessageAttempts',
    int('times'),
    'RW',
    REQUIRED,
    'How often a transaction-related message is sent when the central system fails to process it.',
  ),
  core('TransactionMessageRetryInterval', int('s'), 'RW', REQUIRED, 'Wait before resending a transaction-related message; multiplied by the attempt number.'),
  core('UnlockConnectorOnEVSideDisconnect', bool(), 'RW', REQUIRED, 'Whether the connector unlocks when the cable is unplugged at the EV.'),
  core('WebSocketPingInterval', int('s'), 'RW', OPTIONAL, 'Interval of WebSocket pings sent by the charge point; 0 turns them off.'),
];
