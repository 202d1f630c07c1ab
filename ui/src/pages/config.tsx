/** The effective config (secrets masked) and a checker for an edited copy (nothing is applied). */
import { useEffect, useState } from 'preact/hooks';
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

interface Issue { path: string; message: string; description?: string; suggestion?: string }

export function Config({ gateway }: PageProps) {
  const effective = useRpc<{ config: Record<string, unknown> }>(gateway, 'config.get', {});
  const [draft, setDraft] = useState('');
  const [issues, setIssues] = useState<Issue[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (effective.data) setDraft(JSON.stringify(effective.data.config, null, 2));
  }, [effective.data]);
  const check = async (event: Event) => {
    event.preventDefault();
    setIssues(undefined);
    setError(undefined);
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft);
    } catch (failure) {
      setError(`Not valid JSON: ${(failure as Error).message}`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setError('The config must be a JSON object.');
      return;
    }
    try {
      const result = await gateway.request<{ ok: boolean; issues: Issue[] }>('config.validate', { config: parsed });
      setIssues(result.issues);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <>
      <Problem text={effective.error} />
      <form onSubmit={check} aria-describedby="config-help">
        <p id="config-help" class="muted">The effective config with secrets shown as [REDACTED] (left as they are, the running values are checked). Edit it and check it as a restart would load it, every plugin's own checks included; nothing is saved or applied.</p>
        <label for="config-text">Config (JSON)</label>
        <textarea id="config-text" class="code" rows={24} spellcheck={false} value={draft} onInput={(event) => setDraft((event.target as HTMLTextAreaElement).value)} />
        <button type="submit">Validate</button>
      </form>
      <Problem text={error} />
      {issues && issues.length === 0 && <p class="notice" role="status">The config is valid.</p>}
      {issues && issues.length > 0 && (
        <section role="alert" aria-labelledby="issues-title">
          <h2 id="issues-title">{issues.length} problem{issues.length === 1 ? '' : 's'}</h2>
          <ul class="issues">
            {issues.map((issue, index) => (
              <li key={index}>
                <code class="path">{issue.path}</code> {issue.message}
                {issue.suggestion && !issue.message.includes(issue.suggestion) && <> (did you mean <code>{issue.suggestion}</code>?)</>}
                {issue.description && <span class="muted"> — {issue.description}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
