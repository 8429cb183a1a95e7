/**
 * Diagnostics and log uploads (docs/diagnostics.md): the contract between the gateway (HTTP API and the
 * upload endpoint) and config-manager (the requests, their one-time tokens and the stored files).
 */

/** What a request is for: GetDiagnostics (core 1.6) or GetLog (security extension). */
export const DIAGNOSTICS_KINDS = ['diagnostics', 'security-log', 'diagnostics-log'] as const;
export type DiagnosticsKind = (typeof DIAGNOSTICS_KINDS)[number];

/**
 * requested: created, the command sent or about to be; no-file: the charger answered without a file name
 * (it has nothing to upload); not-sent: the command failed (not connected, refused, no answer);
 * uploading / uploaded / upload-failed: the charger's own status notifications; received: the CSMS stored
 * the file (the last word, whatever the charger says after it).
 */
export const DIAGNOSTICS_STATES = ['requested', 'no-file', 'not-sent', 'uploading', 'uploaded', 'upload-failed', 'received'] as const;
export type DiagnosticsState = (typeof DIAGNOSTICS_STATES)[number];

export interface DiagnosticsView {
  id: string;
  chargerId: string;
  kind: DiagnosticsKind;
  /** The OCPP requestId of a GetLog (LogStatusNotification carries it). */
  requestId: number;
  status: DiagnosticsState;
  /** The charger's latest DiagnosticsStatusNotification / LogStatusNotification status. */
  chargerStatus: string | null;
  /** The file name the charger answered GetDiagnostics / GetLog with. */
  fileName: string | null;
  /** The name the upload carried (URL path), else fileName. */
  storedName: string | null;
  size: number | null;
  contentType: string | null;
  createdAt: string;
  updatedAt: string;
  receivedAt: string | null;
  expiresAt: string;
  requestedBy: string | null;
  error: string | null;
}

/** `diagnostics.create`: the view and the one-time token (shown once: only its hash is stored). */
export interface DiagnosticsCreated {
  view: DiagnosticsView;
  token: string;
}

/** `diagnostics.claim` answer: which upload attempt the chunks belong to. */
export interface UploadClaim {
  id: string;
  attempt: number;
}

/** The `Diagnostics` fact: what changed a request, and its state after it (live event `diagnostics`). */
export interface DiagnosticsFact {
  chargerId: string;
  at: string;
  id: string;
  kind: DiagnosticsKind;
  event: 'requested' | 'answered' | 'notified' | 'received' | 'upload-refused';
  status: DiagnosticsState;
  chargerStatus: string | null;
  fileName: string | null;
  size: number | null;
}

/** Largest decoded chunk on the bus: well under NATS's default 1 MiB payload once base64-encoded. */
export const UPLOAD_CHUNK_BYTES = 256 * 1024;
