/**
 * config-manager's bus verbs (registry, registration, desired configuration, queued commands, diagnostics, firmware
 * campaigns, charging profiles, site limits): one definition each (subject, request, reply), imported by whoever asks (`#csms/config-manager/verbs`)
 * and by the controller that answers. Only types come from the service's internals, so importing this loads none.
 */
import {
  defineVerb,
  subjects,
  verbAt,
  type ChargerMessage,
  type ChargerReply,
  type DiagnosticsCreated,
  type DiagnosticsKind,
  type DiagnosticsView,
  type NoRequest,
  type Page,
  type ResetSentNote,
  type UploadClaim,
} from '#csms/bus';
import type { BootNotificationRequest, BootNotificationResponse, DataTransferRequest, DataTransferResponse } from '#csms/ocpp';
import type {
  ChargerProfilesView,
  CompositeScheduleView,
  DeleteProfilesRequest,
  GroupProfilesView,
  SetProfilesRequest,
} from './charging-profiles/charging-profiles.service.js';
import type { AuditView } from './desired/desired-store.js';
import type {
  ChargerConfigurationView,
  LevelView,
  RecordCommandChangeRequest,
  RecordCommandChangeView,
  RetryRefusedRequest,
  SetChargerConfigurationRequest,
  SetFleetConfigurationRequest,
  SetGroupConfigurationRequest,
  SetGroupMembersRequest,
  SetModelConfigurationRequest,
} from './desired/desired.service.js';
import type { ProfilesView } from './desired/profiles-view.js';
import type { CampaignRecord, CreateCampaignRequest } from './firmware/campaign-requests.js';
import type { CampaignView } from './firmware/store.js';
import type { ListQueuedRequest, QueueCommandRequest, QueuedCommandPage, QueuedCommandRecord } from './queued/queued-requests.js';
import type { QueuedCommandView } from './queued/store.js';
import type { ChargerSummary } from './registry/charger-summary.js';
import type {
  ChargerPage,
  GetChargerRequest,
  ListChargersRequest,
  RegistryFleetFigures,
  SetBootPolicyRequest,
  SetModelRequest,
} from './registry/registry.service.js';
import type { PutSiteLimitRequest, SiteLimitRemoved, SiteLimitView } from './site-limits/site-limits.service.js';

type ChargerRequest = { chargerId: string };

// Charger CALLs config-manager decides.
export const bootNotification = verbAt<ChargerMessage<BootNotificationRequest>, ChargerReply<BootNotificationResponse>>(
  subjects.request('BootNotification'),
  'config-manager',
);
export const dataTransfer = verbAt<ChargerMessage<DataTransferRequest>, ChargerReply<DataTransferResponse>>(subjects.request('DataTransfer'), 'config-manager');

// The charger registry (`api.registry.*`).
export const listChargers = defineVerb<ListChargersRequest, ChargerPage>('registry', 'list');
export const registryFleetFigures = defineVerb<NoRequest, RegistryFleetFigures>('registry', 'fleetFigures');
export const getCharger = defineVerb<GetChargerRequest, ChargerSummary>('registry', 'get');
export const setChargerModel = defineVerb<SetModelRequest, ChargerSummary>('registry', 'setModel');
export const setBootPolicy = defineVerb<SetBootPolicyRequest, ChargerSummary>('registry', 'setBootPolicy');
/** A Reset sent and not answered (or Accepted): the charger's next boot is linked to it. */
export const noteReset = defineVerb<ResetSentNote, { noted: true }>('registry', 'noteReset');

// Desired configuration.
export const getChargerConfiguration = defineVerb<ChargerRequest, ChargerConfigurationView>('config-manager', 'getChargerConfiguration');
export const setChargerConfiguration = defineVerb<SetChargerConfigurationRequest, ChargerConfigurationView>('config-manager', 'setChargerConfiguration');
export const chargerConfigurationHistory = defineVerb<ChargerRequest & { limit?: number }, { chargerId: string; items: AuditView[] }>(
  'config-manager',
  'chargerConfigurationHistory',
);
export const getGroupConfiguration = defineVerb<{ group: string }, LevelView>('config-manager', 'getGroupConfiguration');
export const setGroupConfiguration = defineVerb<SetGroupConfigurationRequest, LevelView>('config-manager', 'setGroupConfiguration');
export const setGroupMembers = defineVerb<SetGroupMembersRequest, LevelView>('config-manager', 'setGroupMembers');
export const getFleetConfiguration = defineVerb<NoRequest, LevelView>('config-manager', 'getFleetConfiguration');
export const setFleetConfiguration = defineVerb<SetFleetConfigurationRequest, LevelView>('config-manager', 'setFleetConfiguration');
export const getModelConfiguration = defineVerb<{ model: string }, LevelView>('config-manager', 'getModelConfiguration');
export const setModelConfiguration = defineVerb<SetModelConfigurationRequest, LevelView>('config-manager', 'setModelConfiguration');
export const retryRefusedConfiguration = defineVerb<RetryRefusedRequest, ChargerConfigurationView>('config-manager', 'retryRefusedConfiguration');
/** The gateway's command API tells of a ChangeConfiguration the charger accepted (docs/reference/design-decisions.md#command-api-changes-stick). */
export const recordCommandChange = defineVerb<RecordCommandChangeRequest, RecordCommandChangeView>('config-manager', 'recordCommandChange');
export const profiles = defineVerb<NoRequest, ProfilesView>('config-manager', 'profiles');

// Queued commands for offline chargers (docs/api-commands.md#queued-commands).
export type CommandRequest = { commandId: string };
export const queueCommand = defineVerb<QueueCommandRequest, QueuedCommandView>('config-manager', 'queueCommand');
export const getQueuedCommand = defineVerb<CommandRequest, QueuedCommandRecord>('config-manager', 'getQueuedCommand');
export const listQueuedCommands = defineVerb<ListQueuedRequest, QueuedCommandPage>('config-manager', 'listQueuedCommands');
export const cancelQueuedCommand = defineVerb<CommandRequest & { actor: string }, QueuedCommandView>('config-manager', 'cancelQueuedCommand');

// Diagnostics and log uploads through the CSMS's own upload URL (docs/diagnostics.md).
export const createDiagnostics = defineVerb<ChargerRequest & { kind: DiagnosticsKind; requestedBy?: string }, DiagnosticsCreated>(
  'config-manager',
  'diagnostics.create',
);
export const diagnosticsAnswered = defineVerb<{ id: string; fileName?: string; error?: string }, DiagnosticsView>('config-manager', 'diagnostics.answered');
export const getDiagnostics = defineVerb<{ id: string }, DiagnosticsView>('config-manager', 'diagnostics.get');
export const listDiagnostics = defineVerb<ChargerRequest & { limit?: number; offset?: number }, Page<DiagnosticsView>>('config-manager', 'diagnostics.list');
export const claimUpload = defineVerb<{ token: string }, UploadClaim>('config-manager', 'diagnostics.claim');
export const uploadChunk = defineVerb<UploadClaim & { seq: number; data: string }, { stored: true }>('config-manager', 'diagnostics.chunk');
export const finishUpload = defineVerb<UploadClaim & { storedName?: string; contentType?: string }, DiagnosticsView>('config-manager', 'diagnostics.finish');
export const abandonUpload = defineVerb<UploadClaim & { error: string }, { abandoned: true }>('config-manager', 'diagnostics.abandon');
export const readDiagnostics = defineVerb<{ id: string; index: number }, { data?: string; done: boolean }>('config-manager', 'diagnostics.read');

// Firmware campaigns (docs/api-firmware-campaigns.md).
export type CampaignRequest = { campaignId: string };
export const createFirmwareCampaign = defineVerb<CreateCampaignRequest, CampaignRecord>('config-manager', 'createFirmwareCampaign');
export const listFirmwareCampaigns = defineVerb<{ state?: string; limit?: number; offset?: number }, Page<CampaignView>>(
  'config-manager',
  'listFirmwareCampaigns',
);
export const getFirmwareCampaign = defineVerb<CampaignRequest & { state?: string; limit?: number; offset?: number }, CampaignRecord>(
  'config-manager',
  'getFirmwareCampaign',
);
export const pauseFirmwareCampaign = defineVerb<CampaignRequest & { note?: string }, CampaignRecord>('config-manager', 'pauseFirmwareCampaign');
export const resumeFirmwareCampaign = defineVerb<CampaignRequest, CampaignRecord>('config-manager', 'resumeFirmwareCampaign');
export const cancelFirmwareCampaign = defineVerb<CampaignRequest & { actor: string }, CampaignRecord>('config-manager', 'cancelFirmwareCampaign');

// Desired charging profiles (docs/charging-profiles.md).
export const getChargerChargingProfiles = defineVerb<ChargerRequest, ChargerProfilesView>('config-manager', 'getChargerChargingProfiles');
export const setChargerChargingProfiles = defineVerb<SetProfilesRequest, ChargerProfilesView>('config-manager', 'setChargerChargingProfiles');
export const deleteChargerChargingProfiles = defineVerb<DeleteProfilesRequest, ChargerProfilesView>('config-manager', 'deleteChargerChargingProfiles');
export const getGroupChargingProfiles = defineVerb<{ group: string }, GroupProfilesView>('config-manager', 'getGroupChargingProfiles');
export const setGroupChargingProfiles = defineVerb<SetProfilesRequest, GroupProfilesView>('config-manager', 'setGroupChargingProfiles');
export const deleteGroupChargingProfiles = defineVerb<DeleteProfilesRequest, GroupProfilesView>('config-manager', 'deleteGroupChargingProfiles');
export const compositeSchedule = defineVerb<ChargerRequest & { connectorId: number; duration: number }, CompositeScheduleView>(
  'config-manager',
  'compositeSchedule',
);

// Site limits of configuration groups (docs/site-limits.md).
export const getSiteLimit = defineVerb<{ group: string }, SiteLimitView>('config-manager', 'getSiteLimit');
export const putSiteLimit = defineVerb<PutSiteLimitRequest, SiteLimitView>('config-manager', 'putSiteLimit');
export const removeSiteLimit = defineVerb<{ group: string }, SiteLimitRemoved>('config-manager', 'removeSiteLimit');
