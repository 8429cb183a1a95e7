/**
 * `Bus.readStream` on JetStream: one ordered consumer (ephemeral, in memory, no acks; re-created by the client
 * after a reconnect from the last sequence it delivered) per reader. Pulls a small window at a time, so a
 * reader that is not advanced costs the server a cursor, not a queue.
 */
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { StreamReadSpec, StreamReader, StreamedMessage } from '../bus.js';
import { decode, errorMessage } from '../codec.js';
import { EVENTS_STREAM } from '../subjects.js';
import { subjectMatches } from '../subject-match.js';
import { busLog as log } from '../bus-log.js';

/** Messages pulled ahead of the reader: enough to keep a fast reader busy, small enough to be no queue. */
const READ_AHEAD = 64;

export interface StreamReaderHost {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Whether the server takes several filter subjects on one consumer (2.10+). */
  multipleFilters(): boolean;
}

export async function openNatsStreamReader<T>(host: StreamReaderHost, spec: StreamReadSpec): Promise<StreamReader<T>> {
  const filters = spec.filterSubjects;
  const options: Partial<OrderedConsumerOptions> = {};
  if (filters.length === 1) options.filter_subjects = filters[0];
  // servers before 2.10 take one filter: read everything and filter here
  else if (host.multipleFilters()) options.filter_subjects = filters;
  if (spec.startSeq === undefined) {
    options.deliver_policy = DeliverPolicy.New;
  } else {
    const { state } = await host.jsm.streams.info(EVENTS_STREAM);
    // past the end: the stream was made again and its sequences started over, so all of it is new to the reader
    const start = spec.startSeq > state.last_seq + 1 ? state.first_seq : spec.startSeq;
    options.deliver_policy = DeliverPolicy.StartSequence;
    options.opt_start_seq = Math.max(1, start);
  }
  const consumer = await host.js.consumers.get(EVENTS_STREAM, options);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: READ_AHEAD });
  const local = filters.length > 1 && !host.multipleFilters();

  async function* iterate(): AsyncGenerator<StreamedMessage<T>> {
    for await (const m of messages) {
      if (local && !filters.some((f) => subjectMatches(f, m.subject))) continue;
      let data: T;
      try {
        data = decode<T>(m.data);
      } catch (err) {
        log.warn(`stream reader: message ${m.seq} on ${m.subject} is not JSON (${errorMessage(err)}); skipped`);
        continue;
      }
      yield { subject: m.subject, data, seq: m.seq, pending: m.info.pending };
    }
  }
  return {
    [Symbol.asyncIterator]: iterate,
    close: async () => {
      // stop, not close: close waits for the iteration to finish, which a reader paused at a yield never does
      messages.stop();
    },
  };
}
