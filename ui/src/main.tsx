/** The app shell: login until connected, then a navigation landmark and one page per hash route. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Gateway, loginMessage, saveCredential, savedCredential, type Credential } from './gateway.ts';
import { Login } from './pages/login.tsx';
import { Overview } from './pages/overview.tsx';
import { Chat } from './pages/chat.tsx';
import { Sessions } from './pages/sessions.tsx';
import { Channels } from './pages/channels.tsx';
import { Alerts } from './pages/alerts.tsx';
import { Config } from './pages/config.tsx';
import { Backups } from './pages/backups.tsx';
import { Usage } from './pages/usage.tsx';
import { Agents } from './pages/agents.tsx';
import { ApprovalPrompt } from './approval-prompt.tsx';
import './styles.css';

const PAGES = [
  { id: 'overview', title: 'Overview', Page: Overview },
  { id: 'chat', title: 'Chat', Page: Chat },
  { id: 'agents', title: 'Agents', Page: Agents },
  { id: 'sessions', title: 'Sessions', Page: Sessions },
  { id: 'channels', title: 'Channels', Page: Channels },
  { id: 'alerts', title: 'Alerts', Page: Alerts },
  { id: 'usage', title: 'Usage', Page: Usage },
  { id: 'config', title: 'Config', Page: Config },
  { id: 'backups', title: 'Backups', Page: Backups },
] as const;

const routeOf = () => {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return PAGES.find((page) => page.id === id) ?? PAGES[0];
};

function App() {
  const [gateway, setGateway] = useState<Gateway | undefined>();
  const [route, setRoute] = useState(routeOf());
  const [notice, setNotice] = useState<string | undefined>();
  const [restoring, setRestoring] = useState(savedCredential() !== undefined);

  const login = async (credential: Credential) => {
    const connected = await Gateway.connect(credential);
    saveCredential(credential);
    connected.onClose = (event) => {
      setGateway(undefined);
      setNotice(event.code === 1012 ? 'The gateway is restarting; log in again in a moment.' : 'The connection to the gateway closed; log in again.');
    };
    setNotice(undefined);
    setGateway(connected);
  };
  const logout = () => {
    saveCredential(undefined);
    gateway?.close();
    setGateway(undefined);
  };

  useEffect(() => {
    const onHash = () => setRoute(routeOf());
    addEventListener('hashchange', onHash);
    const saved = savedCredential();
    if (saved) login(saved).catch((error) => setNotice(loginMessage(error))).finally(() => setRestoring(false));
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.title = gateway ? `${route.title} · Moltbot control` : 'Log in · Moltbot control';
    document.getElementById('main')?.focus();
  }, [route, gateway]);

  if (gateway === undefined) return restoring ? <p class="loading">Connecting…</p> : <Login onLogin={login} notice={notice} />;
  const { Page } = route;
  return (
    <div class="shell">
      <header class="top">
        <a class="skip" href="#main">Skip to content</a>
        <span class="brand">Moltbot control</span>
        <span class="who">connected · v{gateway.hello?.server.version} · scopes {gateway.scopes.join(', ')}</span>
        <button type="button" onClick={logout}>Log out</button>
      </header>
      <nav aria-label="Pages">
        <ul>
          {PAGES.map((page) => (
            <li key={page.id}><a href={`#/${page.id}`} aria-current={page.id === route.id ? 'page' : undefined}>{page.title}</a></li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} aria-labelledby="page-title">
        <ApprovalPrompt gateway={gateway} />
        <h1 id="page-title">{route.title}</h1>
        <Page key={route.id} gateway={gateway} />
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
