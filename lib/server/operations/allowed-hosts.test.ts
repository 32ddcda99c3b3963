import { describe, expect, it } from 'vitest';
import { hostAllowed, parseAllowedHosts } from './allowed-hosts';

describe('WEBHOOK_ALLOWED_HOSTS', () => {
  it('unset or empty allows any host', () => {
    expect(parseAllowedHosts(undefined)).toBeNull();
    expect(parseAllowedHosts('  ')).toBeNull();
    expect(hostAllowed('http://10.0.0.1/hook', null)).toBe(true);
  });

  it('matches exact names and *.suffix subdomains, case-insensitively, ignoring port and path', () => {
    const list = parseAllowedHosts(' hooks.slack.com, *.Example.com ,ci.local.');
    expect(list).toEqual(['hooks.slack.com', '*.example.com', 'ci.local']);
    expect(hostAllowed('https://HOOKS.slack.com/services/T/B/x', list)).toBe(true);
    expect(hostAllowed('https://jenkins.example.com:8443/job', list)).toBe(true);
    expect(hostAllowed('https://a.b.example.com/', list)).toBe(true);
    expect(hostAllowed('http://ci.local/x', list)).toBe(true);
    // the suffix itself, a look-alike and other hosts are refused
    expect(hostAllowed('https://example.com/', list)).toBe(false);
    expect(hostAllowed('https://evilexample.com/', list)).toBe(false);
    expect(hostAllowed('https://hooks.slack.com.evil.io/', list)).toBe(false);
    expect(hostAllowed('http://127.0.0.1:9000/', list)).toBe(false);
    expect(hostAllowed('not a url', list)).toBe(false);
  });

  it('matches IP literals as written', () => {
    expect(hostAllowed('http://127.0.0.1:9000/x', ['127.0.0.1'])).toBe(true);
    expect(hostAllowed('http://[::1]:9000/x', ['::1'])).toBe(true);
  });
});
