// WEBHOOK_ALLOWED_HOSTS: the host names webhooks may reach, checked when a webhook is created and
// again at every delivery. Entries are exact host names or `*.suffix` (any subdomain, not the
// suffix itself); unset means any host, internal addresses included (see README). Pure.

/** The parsed list (null: any host). */
export function parseAllowedHosts(setting: string | undefined): string[] | null {
  if (setting === undefined || setting.trim() === '') return null;
  return setting
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/\.$/, ''))
    .filter(Boolean);
}

/** Whether the URL's host name is allowed. */
export function hostAllowed(url: string, allowed: string[] | null): boolean {
  if (allowed === null) return true;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return allowed.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry));
}
