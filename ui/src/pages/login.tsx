/** Password or token; the socket goes only to this page's own origin. */
import { useState } from 'preact/hooks';
import { gatewayUrl, loginMessage, type Credential } from '../gateway.ts';

export function Login({ onLogin, notice }: { onLogin(credential: Credential): Promise<void>; notice?: string | undefined }) {
  const [kind, setKind] = useState<Credential['kind']>('password');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onLogin({ kind, secret });
    } catch (failure) {
      setError(loginMessage(failure));
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main" tabIndex={-1} aria-labelledby="login-title">
      <form onSubmit={submit} aria-describedby="login-where">
        <h1 id="login-title">Moltbot control</h1>
        <p id="login-where" class="muted">Gateway: <code>{gatewayUrl()}</code></p>
        {notice && <p class="notice" role="status">{notice}</p>}
        <fieldset>
          <legend>Log in with</legend>
          <label><input type="radio" name="kind" value="password" checked={kind === 'password'} onChange={() => setKind('password')} /> Password</label>
          <label><input type="radio" name="kind" value="token" checked={kind === 'token'} onChange={() => setKind('token')} /> Token</label>
        </fieldset>
        <label for="secret">{kind === 'password' ? 'Gateway password' : 'Gateway token'}</label>
        <input id="secret" name="secret" type="password" autoComplete="current-password" required value={secret}
          onInput={(event) => setSecret((event.target as HTMLInputElement).value)} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'login-error' : undefined} />
        {error && <p id="login-error" class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy || secret === ''}>{busy ? 'Connecting…' : 'Log in'}</button>
      </form>
    </main>
  );
}
