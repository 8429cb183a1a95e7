/**
 * Hash routes, so the server serves one page and a reload or a bookmark lands where it was:
 *   #/                 fleet overview
 *   #/chargers?<filters>  charger list
 *   #/chargers/<id>    one charger
 *   #/sign-in          sign in with a token
 */
export type Route = { name: 'overview' } | { name: 'chargers'; params: URLSearchParams } | { name: 'charger'; id: string } | { name: 'sign-in' };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'chargers' && parts.length === 2) return { name: 'charger', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'chargers' && parts.length === 1) return { name: 'chargers', params: new URLSearchParams(query) };
  if (parts[0] === 'sign-in') return { name: 'sign-in' };
  return { name: 'overview' };
}
