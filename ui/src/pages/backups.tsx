/** Backup archives: list, create one now, verify one against its manifest. */
import { useState } from 'preact/hooks';
import { bytes, time } from '../format.ts';
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

interface Backup { name: string; size: number; created: string }
interface Verdict { name: string; ok: boolean; problems: string[]; warnings: string[]; files: number }

export function Backups({ gateway }: PageProps) {
  const list = useRpc<{ dir: string; backups: Backup[] }>(gateway, 'backups.list', {});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [verdicts, setVerdicts] = useState<Record<string, Verdict>>({});
  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await gateway.request<Backup & { files: number }>('backups.create', {});
      setMessage(`Created ${created.name} (${created.files} files, ${bytes(created.size)}).`);
      list.reload();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const verify = (name: string) => {
    setError(undefined);
    gateway.request<Verdict>('backups.verify', { name }).then(
      (verdict) => setVerdicts((previous) => ({ ...previous, [name]: verdict })),
      (failure: Error) => setError(failure.message),
    );
  };
  return (
    <>
      <div class="toolbar">
        <button type="button" onClick={create} disabled={busy}>{busy ? 'Creating…' : 'Create backup now'}</button>
        <button type="button" class="secondary" onClick={list.reload}>Refresh</button>
      </div>
      {message && <p class="notice" role="status">{message}</p>}
      <Problem text={list.error} />
      <Problem text={error} />
      {list.data && <p class="muted">Folder: <code>{list.data.dir}</code></p>}
      <table>
        <caption>Archives, newest first</caption>
        <thead><tr><th scope="col">Archive</th><th scope="col">Created</th><th scope="col">Size</th><th scope="col">Verify</th></tr></thead>
        <tbody>
          {(list.data?.backups ?? []).map((b) => {
            const verdict = verdicts[b.name];
            return (
              <tr key={b.name}>
                <th scope="row"><code>{b.name}</code></th>
                <td>{time(b.created)}</td>
                <td>{bytes(b.size)}</td>
                <td>
                  <button type="button" onClick={() => verify(b.name)} aria-label={`Verify ${b.name}`}>Verify</button>
                  {verdict && (
                    <span class={verdict.ok ? 'ok' : 'error'} role="status">
                      {verdict.ok ? ` OK, ${verdict.files} files` : ` Damaged: ${verdict.problems.join('; ')}`}
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {list.data?.backups.length === 0 && <p class="muted">No backup yet.</p>}
    </>
  );
}
