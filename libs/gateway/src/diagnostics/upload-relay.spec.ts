import { Readable } from 'node:stream';
import { multipartFile } from './multipart.js';
import { relayUpload, safeFileName } from './upload-relay.js';

async function* pieces(...parts: Array<string | Buffer>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('upload relay', () => {
  test('passes the body on in chunks of at most chunkBytes, in order, holding one chunk at most', async () => {
    const got: Array<[number, string]> = [];
    const outcome = await relayUpload(pieces('abc', 'defgh', 'ij'), 100, async (seq, c) => void got.push([seq, c.toString()]), 4);
    expect(outcome).toEqual({ ok: true, size: 10 });
    expect(got).toEqual([
      [0, 'abcd'],
      [1, 'efgh'],
      [2, 'ij'],
    ]);
  });

  test('stops at the first byte over the limit and says so', async () => {
    const got: string[] = [];
    let read = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        read++;
        yield Buffer.alloc(10);
      }
    }
    const outcome = await relayUpload(endless(), 25, async (_s, c) => void got.push(c.toString('hex')), 10);
    expect(outcome).toEqual({ ok: false, reason: 'too-large', size: 30 });
    expect(read).toBe(3);
  });

  test('file names from the URL are plain names', () => {
    expect(safeFileName('diag.tar.gz')).toBe('diag.tar.gz');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('a b"c.log')).toBe('a_b_c.log');
    expect(safeFileName('..')).toBeUndefined();
    expect(safeFileName(undefined)).toBeUndefined();
  });
});

describe('multipart/form-data uploads', () => {
  const body = Buffer.concat([
    Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'),
    Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="d.bin"\r\nContent-Type: application/gzip\r\n\r\n'),
    Buffer.from([0, 1, 2, 13, 10, 45, 45, 88, 255]),
    Buffer.from('\r\n--XyZ--\r\n'),
  ]);

  test.each([1, 3, 7, 1000])('the file part only, byte for byte, whatever the piece size (%i)', async (size) => {
    const parts: Buffer[] = [];
    for (let at = 0; at < body.length; at += size) parts.push(body.subarray(at, at + size));
    const file = multipartFile('multipart/form-data; boundary=XyZ', Readable.from(parts))!;
    const out: Buffer[] = [];
    for await (const p of file.body) out.push(Buffer.from(p));
    expect(Buffer.concat(out)).toEqual(Buffer.from([0, 1, 2, 13, 10, 45, 45, 88, 255]));
    expect(file.fileName()).toBe('d.bin');
    expect(file.contentType()).toBe('application/gzip');
  });

  test('not multipart: undefined (the raw body is the file)', () => {
    expect(multipartFile('application/octet-stream', pieces())).toBeUndefined();
    expect(multipartFile(undefined, pieces())).toBeUndefined();
  });

  test('a body cut before its closing boundary is an error, not a shorter file', async () => {
    const file = multipartFile('multipart/form-data; boundary=XyZ', pieces(body.subarray(0, body.length - 14)))!;
    await expect(
      (async () => {
        for await (const _ of file.body) void _;
      })(),
    ).rejects.toThrow(/closing boundary/);
  });
});
