/**
 * JetStream publish-and-ack for the events stream, on the bus's one reply subscription (reply-mux.ts) instead of
 * the client's `js.publish`, a core request per message.
 *
 * The stream answers a publish with a PubAck (`{stream, seq, duplicate}`) or an API error (`{error: {code, err_code,
 * description}}`); a caller sees what `js.publish` gave it: JetStreamApiError for the latter, and the mux's errors
 * (TimeoutError, NoRespondersError when nothing stores the subject, closed and draining), so retries and
 * transient-error checks (jetstream-retry.ts) read them unchanged.
 */
import { JetStreamApiError, PubHeaders } from '@nats-io/jetstream';
import { headers, type Msg, type MsgHdrs } from '@nats-io/nats-core';
import type { ReplyMux } from './reply-mux.js';

/** Headers holding the message id, or none (no header block on the wire) when there is none. */
export function msgIdHeaders(msgId: string | undefined): MsgHdrs | undefined {
  if (msgId === undefined) return undefined;
  const h = headers();
  // JetStream's deduplication header: a second publish with the same id within the stream's window is stored once.
  h.set(PubHeaders.MsgIdHdr, msgId);
  return h;
}

/** The PubAck or API error a stream answers a publish with (JetStream's JSON). */
interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code: number; err_code: number; description: string };
}

export class JetStreamPublisher {
  constructor(private readonly replies: ReplyMux) {}

  /**
   * Resolves once the stream stored the message (or already had its `Nats-Msg-Id`: a duplicate is stored once, which
   * is what the caller wanted). `hdrs` carries the message id and the trace context.
   */
  publish(subject: string, payload: Uint8Array, hdrs: MsgHdrs | undefined, timeoutMs: number): Promise<void> {
    return this.replies.request(subject, payload, hdrs, timeoutMs, readPubAck);
  }
}

/** What a stream's answer to a publish means: stored, or why not (thrown). */
function readPubAck(msg: Msg, subject: string): void {
  let reply: PubAckReply;
  try {
    reply = msg.json<PubAckReply>();
  } catch (err) {
    throw new Error(`JetStream answered a publish to ${subject} with something that is not JSON`, { cause: err });
  }
  if (reply.error) throw new JetStreamApiError(reply.error);
  if (!reply.stream) throw new Error(`JetStream answered a publish to ${subject} without a stream (invalid PubAck)`);
}
