import type { DiagnosticsState } from '#csms/bus';

/**
 * The request's status from what happened to it (docs/diagnostics.md#status). The CSMS's own receipt is the
 * last word; otherwise the charger's notifications: Uploading, Uploaded, UploadFailed (DiagnosticsStatus),
 * and for GetLog also BadMessage, NotSupportedOperation, PermissionDenied (failures) and AcceptedCanceled.
 * Idle says nothing about this request (the charger is idle again, or was asked TriggerMessage): it keeps
 * the status it had.
 */
export function statusAfterNotification(current: DiagnosticsState, chargerStatus: string): DiagnosticsState {
  if (current === 'received') return 'received';
  switch (chargerStatus) {
    case 'Uploading':
      return 'uploading';
    case 'Uploaded':
      return 'uploaded';
    case 'UploadFailed':
    case 'BadMessage':
    case 'NotSupportedOperation':
    case 'PermissionDenied':
    case 'AcceptedCanceled':
      return 'upload-failed';
    default:
      return current;
  }
}

/** After the charger answered the command: a file name means an upload is coming; none means nothing to upload. */
export function statusAfterAnswer(current: DiagnosticsState, fileName: string | undefined, failed: boolean): DiagnosticsState {
  if (current !== 'requested') return current;
  if (failed) return 'not-sent';
  return fileName ? 'requested' : 'no-file';
}
