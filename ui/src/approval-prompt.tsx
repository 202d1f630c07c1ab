/**
 * The live approval prompt, shown above every page: a tool call waiting for the owner
 * (approval.requested) appears at once, with its arguments (secrets masked by the gateway),
 * session and agent, and disappears when anyone answers it or it times out (approval.resolved).
 * It lives in the shell, not on a page, because the owner must see it wherever they are.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Gateway } from './gateway.ts';
import { time } from './format.ts';
import { Problem } from './use-rpc.tsx';

interface PendingApproval { id: string; tool: string; args: unknown; sessionKey?: string; agent?: string; createdAt: string; expiresAt: string }
type Answer = 'once' | 'always' | 'deny' | 'never';

const ANSWERS: { answer: Answer; label: string; secondary?: boolean }[] = [
  { answer: 'once', label: 'Allow once' },
  { answer: 'always', label: 'Always allow', secondary: true },
  { answer: 'deny', label: 'Deny' },
  { answer: 'never', label: 'Never allow', secondary: true },
];

export function ApprovalPrompt({ gateway }: { gateway: Gateway }) {
  const [pending, setPending] = useState<PendingApproval[]>([]);
  const [error, setError] = useState<string | undefined>();
  const canAnswer = gateway.scopes.includes('admin');
  const reload = useCallback(() => {
    if (!gateway.has('approvals.list')) return;
    gateway.request<{ approvals: PendingApproval[] }>('approvals.list', {}).then(
      ({ approvals }) => setPending(approvals),
      (failure: Error) => setError(failure.message),
    );
  }, [gateway]);
  useEffect(() => {
    reload();
    const offRequested = gateway.on('approval.requested', (approval: PendingApproval) =>
      setPending((previous) => (previous.some((p) => p.id === approval.id) ? previous : [...previous, approval])));
    const offResolved = gateway.on('approval.resolved', ({ id }: { id: string }) =>
      setPending((previous) => previous.filter((p) => p.id !== id)));
    return () => {
      offRequested();
      offResolved();
    };
  }, [gateway, reload]);

  const answer = (approval: PendingApproval, choice: Answer) => {
    setError(undefined);
    gateway.request('approvals.answer', { id: approval.id, answer: choice }).then(
      () => setPending((previous) => previous.filter((p) => p.id !== approval.id)),
      (failure: Error) => {
        setError(failure.message);
        reload();
      },
    );
  };

  if (pending.length === 0 && error === undefined) return null;
  return (
    <section class="approvals" role="alertdialog" aria-labelledby="approvals-title" aria-live="assertive">
      <h2 id="approvals-title">Approval needed ({pending.length})</h2>
      <Problem text={error} />
      {!canAnswer && <p class="muted">This credential can read approvals but not answer them (an admin credential can).</p>}
      {pending.map((approval) => (
        <article key={approval.id} class="approval" data-approval-id={approval.id} aria-label={`Approval for ${approval.tool}`}>
          <p>
            <strong>{approval.tool}</strong> wants to run
            {approval.agent !== undefined && <> for agent <strong>{approval.agent}</strong></>}
            {approval.sessionKey !== undefined && <> in session <code>{approval.sessionKey}</code></>}; denied
            automatically at {time(approval.expiresAt)}.
          </p>
          <pre>{JSON.stringify(approval.args, null, 2)}</pre>
          <div class="actions">
            {ANSWERS.map(({ answer: choice, label, secondary }) => (
              <button key={choice} type="button" class={secondary ? 'secondary' : undefined} disabled={!canAnswer}
                aria-label={`${label}: ${approval.tool}`} onClick={() => answer(approval, choice)}>{label}</button>
            ))}
          </div>
        </article>
      ))}
    </section>
  );
}
