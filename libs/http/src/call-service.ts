import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { NoRespondersError, RemoteHandlerError, RequestTimeoutError, ask, type Bus, type ServiceReply, type Verb } from '#csms/bus';

/**
 * Asks a service over the bus on behalf of an HTTP request and turns its reply into the HTTP answer:
 * data is returned; a refusal becomes an HttpException with the service's status and body; a service
 * that nobody runs (no responders) becomes 503 and a silent one 504, both naming the subject. A service whose
 * handler failed (its database down, say) is a 503 too: a dependency the caller can wait for, not our 500;
 * its message stays in our log (it may name database internals).
 */
export async function call<Req, T>(bus: Bus, verb: Verb<Req, ServiceReply<T>>, request: NoInfer<Req>, timeoutMs = 10_000): Promise<T> {
  const subject = verb.subject;
  let reply: ServiceReply<T>;
  try {
    reply = await ask(bus, verb, request, { timeoutMs });
  } catch (err) {
    if (err instanceof NoRespondersError) {
      throw new HttpException({ error: 'service_unavailable', message: `no service answers ${subject}` }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    if (err instanceof RequestTimeoutError) {
      throw new HttpException({ error: 'service_timeout', message: `${subject} did not answer within ${timeoutMs} ms` }, HttpStatus.GATEWAY_TIMEOUT);
    }
    if (err instanceof RemoteHandlerError) {
      new Logger('CallService').warn(`${subject} failed: ${err.message}`);
      throw new HttpException(
        { error: 'service_failed', message: `the service behind ${subject} failed to answer (its log says why); retry later` },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    throw err;
  }
  if (reply.ok) return reply.data;
  throw new HttpException(reply.body, reply.status);
}
