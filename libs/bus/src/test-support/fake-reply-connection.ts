/** A NATS connection for unit specs of the reply mux: it records publishes and lets the test answer on the reply subscription. */
import { type Msg, type MsgHdrs, type PublishOptions } from '@nats-io/nats-core';

type Callback = (err: Error | null, msg: Msg) => void;

/** A NATS connection that records publishes and lets the test answer on the reply subscription. */
export function fakeConnection() {
  const sent: { subject: string; reply: string; headers?: MsgHdrs }[] = [];
  let callback: Callback | undefined;
  let pattern = '';
  let failWith: Error | undefined;
  const nc = {
    publish: (subject: string, _data: Uint8Array | string | undefined, opts?: PublishOptions) => {
      if (failWith) throw failWith;
      sent.push({ subject, reply: opts?.reply ?? '', headers: opts?.headers });
    },
    subscribe: (subject: string, opts?: { callback?: Callback }) => {
      pattern = subject;
      callback = opts?.callback;
      return {} as never;
    },
  };
  const answer = (reply: string, body: string, hdrs?: MsgHdrs): void => {
    const data = new TextEncoder().encode(body);
    callback!(null, { subject: reply, data, headers: hdrs, json: <T>() => JSON.parse(body) as T } as unknown as Msg);
  };
  return { nc, sent, answer, pattern: () => pattern, failWith: (err: Error) => (failWith = err) };
}

export function noResponders(): MsgHdrs {
  return { code: 503, hasError: true, status: '503' } as unknown as MsgHdrs;
}
