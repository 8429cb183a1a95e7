const MAX_HEAD_BYTES = 16 * 1024;

export interface MultipartFile {
  /** The file part's bytes as they arrive (the other parts are skipped). */
  body: AsyncIterable<Uint8Array>;
  /** Known once the body started: the part's filename and content type. */
  fileName(): string | undefined;
  contentType(): string | undefined;
}

/**
 * `curl -F file=@diag.tar.gz` style uploads (multipart/form-data), which many chargers send: streams the
 * first part that carries a filename, holding at most one delimiter's length back, so the size limit and
 * the chunking apply to the file itself. undefined when the request is not multipart.
 */
export function multipartFile(contentTypeHeader: string | undefined, source: AsyncIterable<Uint8Array>): MultipartFile | undefined {
  const match = /^multipart\/form-data\b.*?;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader ?? '');
  if (!match) return undefined;
  const boundary = match[1] ?? match[2];
  let fileName: string | undefined;
  let contentType: string | undefined;
  async function* body(): AsyncGenerator<Uint8Array> {
    const delimiter = Buffer.from(`\r\n--${boundary}`);
    // A leading CRLF lets the first boundary be found like the others.
    let buf = Buffer.from('\r\n');
    let state: 'head' | 'skip' | 'file' = 'skip';
    for await (const piece of source) {
      buf = Buffer.concat([buf, piece]);
      for (;;) {
        if (state === 'skip') {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
            break;
          }
          buf = buf.subarray(at + delimiter.length);
          state = 'head';
        }
        if (state === 'head') {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buf.length > MAX_HEAD_BYTES) throw new Error('multipart part headers too long');
            break;
          }
          const head = buf.subarray(0, end).toString('latin1');
          buf = buf.subarray(end + 4);
          if (head.startsWith('--')) return; // the closing delimiter: no file part
          const name = /filename="([^"]*)"/i.exec(head);
          if (!name) {
            state = 'skip';
            continue;
          }
          fileName = name[1];
          contentType = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim();
          state = 'file';
        }
        if (state === 'file') {
          const at = buf.indexOf(delimiter);
          if (at >= 0) {
            if (at > 0) yield buf.subarray(0, at);
            return;
          }
          const safe = buf.length - (delimiter.length - 1);
          if (safe > 0) {
            yield buf.subarray(0, safe);
            buf = buf.subarray(safe);
          }
          break;
        }
      }
    }
    if (state === 'file') throw new Error('multipart body ended before its closing boundary');
  }
  return { body: body(), fileName: () => fileName, contentType: () => contentType };
}
