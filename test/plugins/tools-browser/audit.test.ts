/** Audit findings of the browser tool, from real tool policies built from sandbox configs. */
import { describe, expect, it } from 'vitest';
import { createToolPolicy } from '../../../sdk/agent/tool-policy.ts';
import { browserAuditChecks } from '../../../plugins/tools-browser/audit.ts';

const ids = (checks: { id: string; severity: string }[]) => checks.map((check) => `${check.id}:${check.severity}`);

describe('browser audit', () => {
  it('warns when sandboxed sessions may call browser; silent under the default policy', () => {
    expect(ids(browserAuditChecks(createToolPolicy({}, []), []))).toEqual([]);
    expect(ids(browserAuditChecks(createToolPolicy({ mode: 'off' }, []), []))).toEqual(['tools.browser.sandboxed_sessions_allowed:warning']);
    expect(ids(browserAuditChecks(createToolPolicy({ denylist: ['exec'] }, []), []))).toEqual(['tools.browser.sandboxed_sessions_allowed:warning']);
    expect(ids(browserAuditChecks(createToolPolicy({ denylist: ['group:ui'] }, []), []))).toEqual([]);
    expect(ids(browserAuditChecks(undefined, []))).toEqual(['tools.browser.no_tool_policy:critical']);
  });

  it('names allowedHosts entries that open local or private addresses (not wildcards or public hosts)', () => {
    const [finding] = browserAuditChecks(createToolPolicy({}, []), ['*.example.com', 'example.org', '127.0.0.1:8080', 'localhost', '[::1]:3000', '10.1.2.3', '8.8.8.8']);
    expect(finding).toMatchObject({ id: 'tools.browser.private_hosts_allowed', severity: 'warning' });
    expect(finding!.description).toContain('opens 127.0.0.1:8080, localhost, [::1]:3000, 10.1.2.3:');
  });
});
