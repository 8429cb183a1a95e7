import { isIPv4 } from 'node:net';

/**
 * Whether a socket's remote address is this host's loopback: 127.0.0.0/8, ::1, or 127.x as an IPv4-mapped
 * IPv6 address (a dual-stack listener reports IPv4 peers as ::ffff:127.0.0.1). Always the socket's own
 * address: behind a proxy that is the proxy's, and X-Forwarded-For is whatever the client wrote.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  return isIPv4(v4) && v4.startsWith('127.');
}
