import { statusAfterAnswer, statusAfterNotification } from './status.js';

describe('diagnostics status tracking', () => {
  test("the charger's DiagnosticsStatusNotification moves the request", () => {
    expect(statusAfterNotification('requested', 'Uploading')).toBe('uploading');
    expect(statusAfterNotification('uploading', 'Uploaded')).toBe('uploaded');
    expect(statusAfterNotification('uploading', 'UploadFailed')).toBe('upload-failed');
  });

  test('Idle says nothing about the request: the status stays', () => {
    expect(statusAfterNotification('uploading', 'Idle')).toBe('uploading');
    expect(statusAfterNotification('upload-failed', 'Idle')).toBe('upload-failed');
  });

  test("the CSMS's own receipt is the last word, whatever the charger says after it", () => {
    expect(statusAfterNotification('received', 'Uploaded')).toBe('received');
    expect(statusAfterNotification('received', 'UploadFailed')).toBe('received');
  });

  test('LogStatusNotification failures count as upload-failed', () => {
    for (const s of ['BadMessage', 'NotSupportedOperation', 'PermissionDenied', 'AcceptedCanceled'])
      expect(statusAfterNotification('requested', s)).toBe('upload-failed');
  });

  test("the command's answer: a file name keeps it requested, none means no file, a failure not sent", () => {
    expect(statusAfterAnswer('requested', 'diag.tgz', false)).toBe('requested');
    expect(statusAfterAnswer('requested', undefined, false)).toBe('no-file');
    expect(statusAfterAnswer('requested', undefined, true)).toBe('not-sent');
    // A notification that overtook the answer is not undone.
    expect(statusAfterAnswer('uploading', 'diag.tgz', false)).toBe('uploading');
  });
});
