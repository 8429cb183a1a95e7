/**
 * The operator's API token for this tab. sessionStorage: it ends with the tab, is not sent to the server
 * by the browser on its own (unlike a cookie, so no CSRF), and another tab signs in on its own.
 */
const KEY = 'csms.apiToken';

export function currentToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
