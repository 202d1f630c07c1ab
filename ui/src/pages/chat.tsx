/** The webchat: history, send (with pasted or dropped files), the reply streamed from chat.delta events, files sent to webchat, abort. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { time } from '../format.ts';
import { Problem, type PageProps } from '../use-rpc.tsx';
import { Attachment, filesOf, uploadFile, type ChatFile } from './chat-files.tsx';

interface Message {
  id: string;
  role: 'user' | 'assistant' | 'tool';
  content: string;
  at: number;
  name?: string;
  /** Files the assistant sent (webchat `chat.message`). */
  files?: ChatFile[];
}

interface Running {
  runId?: string;
  attempt: number;
  text: string;
}

export const MAIN_SESSION = 'agent:main:main';

export function Chat({ gateway }: PageProps) {
  const [sessionKey, setSessionKey] = useState(MAIN_SESSION);
  const [messages, setMessages] = useState<Message[]>([]);
  const [draft, setDraft] = useState('');
  const [running, setRunning] = useState<Running | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState<ChatFile[]>([]);
  /** What reached this tab as `chat.message` (files, notifications): kept apart, so reloading the history does not drop it. */
  const [received, setReceived] = useState<Message[]>([]);
  const [uploading, setUploading] = useState(0);
  const log = useRef<HTMLOListElement>(null);

  const load = (key: string) => gateway.request<{ messages: Message[] }>('chat.history', { sessionKey: key, limit: 200 })
    .then((history) => setMessages(history.messages), (failure: Error) => setError(failure.message));

  useEffect(() => {
    void load(sessionKey);
    const offDelta = gateway.on('chat.delta', (event: { runId: string; sessionKey: string; attempt: number; text: string }) => {
      if (event.sessionKey !== sessionKey) return;
      setRunning((current) => {
        const base = current && current.attempt === event.attempt ? current.text : '';
        return { runId: event.runId, attempt: event.attempt, text: base + event.text };
      });
    });
    const offFinal = gateway.on('chat.final', (event: { sessionKey: string; status: string; text: string; error?: { message: string } }) => {
      if (event.sessionKey !== sessionKey) return;
      setRunning(undefined);
      if (event.status === 'error') setError(`The run failed: ${event.error?.message ?? 'unknown error'}`);
      if (event.status === 'aborted') setError('The run was aborted.');
      void load(sessionKey);
    });
    // Messages and files sent to webchat (send_file, cron, notifications).
    const offMessage = gateway.on('chat.message', (event: { text: string; at: number; attachments?: ChatFile[] }) => {
      setReceived((previous) => [...previous, { id: `webchat-${event.at}-${previous.length}`, role: 'assistant', content: event.text, at: event.at, ...(event.attachments ? { files: event.attachments } : {}) }]);
    });
    // Runs started elsewhere (another client, a channel, cron) stream here too, when the gateway can.
    const watching = gateway.has('sessions.subscribe');
    if (watching) gateway.request('sessions.subscribe', { sessionKey }).catch((failure: Error) => setError(failure.message));
    return () => {
      offDelta();
      offFinal();
      offMessage();
      if (watching) gateway.request('sessions.unsubscribe', { sessionKey }).catch(() => undefined);
    };
  }, [gateway, sessionKey]);
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages, received, running]);

  const send = async (event: Event) => {
    event.preventDefault();
    const typed = draft.trim();
    if ((typed === '' && pending.length === 0) || running || uploading > 0) return;
    const files = pending;
    setPending([]);
    setError(undefined);
    setRunning({ attempt: 1, text: '' });
    setMessages((previous) => [...previous, { id: `local-${Date.now()}`, role: 'user', content: typed, at: Date.now(), ...(files.length > 0 ? { files } : {}) }]);
    setDraft('');
    try {
      // The uploads go by id: the gateway hands them to the model as a channel's inbound files.
      const { runId } = await gateway.request<{ runId: string }>('chat.send', { sessionKey, message: typed, ...(files.length > 0 ? { attachments: files.map((file) => file.id) } : {}) });
      setRunning((current) => (current ? { ...current, runId } : current));
    } catch (failure) {
      setRunning(undefined);
      // Refused: the files stay attached, to send again or remove.
      setPending(files);
      setError((failure as Error).message);
    }
  };
  /** Pasted or dropped files: uploaded at once (the gateway checks size and type), sent with the next message. */
  const attach = (files: File[]) => {
    for (const file of files) {
      setUploading((count) => count + 1);
      uploadFile(gateway, sessionKey, file).then(
        (stored) => setPending((previous) => [...previous, stored]),
        (failure: Error) => setError(`${file.name || 'The file'} was not attached: ${failure.message}`),
      ).finally(() => setUploading((count) => count - 1));
    }
  };
  const abort = () => {
    gateway.request('chat.abort', running?.runId ? { runId: running.runId } : { sessionKey }).catch((failure: Error) => setError(failure.message));
  };

  return (
    <section class="chat" aria-label="Chat">
      <form class="inline" onSubmit={(event) => { event.preventDefault(); const value = (new FormData(event.currentTarget as HTMLFormElement).get('session') as string).trim(); if (value) setSessionKey(value); }}>
        <label for="session">Session</label>
        <input id="session" name="session" defaultValue={sessionKey} />
        <button type="submit">Open</button>
      </form>
      <ol class="messages" ref={log} aria-label="Conversation" aria-live="polite">
        {[...messages, ...received].sort((a, b) => a.at - b.at).filter((m) => m.role !== 'tool' && (m.content !== '' || m.files?.length)).map((m) => (
          <li key={m.id} class={`message ${m.role}`}>
            <span class="meta">{m.role === 'user' ? 'You' : 'Assistant'} · {time(m.at)}</span>
            {m.content !== '' && <p>{m.content}</p>}
            {m.files?.map((file) => <Attachment key={file.id} gateway={gateway} file={file} />)}
          </li>
        ))}
        {running && (
          <li class="message assistant streaming" aria-busy="true">
            <span class="meta">Assistant · replying…</span>
            <p data-testid="streaming-reply">{running.text}</p>
          </li>
        )}
      </ol>
      <Problem text={error} />
      <form class="composer" onSubmit={send} onDragOver={(event) => event.preventDefault()}
        onDrop={(event) => { const files = filesOf(event.dataTransfer); if (files.length > 0) { event.preventDefault(); attach(files); } }}>
        <label for="message" class="visually-hidden">Message</label>
        <textarea id="message" rows={3} value={draft} placeholder="Message the assistant (Ctrl+Enter sends)"
          onInput={(event) => setDraft((event.target as HTMLTextAreaElement).value)}
          onKeyDown={(event) => { if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void send(event); }}
          onPaste={(event) => { const files = filesOf(event.clipboardData); if (files.length > 0) { event.preventDefault(); attach(files); } }} />
        {(pending.length > 0 || uploading > 0) && (
          <ul class="attached" aria-label="Attached files">
            {pending.map((file) => <li key={file.id}>{file.name} ({file.size} bytes)</li>)}
            {uploading > 0 && <li>uploading…</li>}
          </ul>
        )}
        <div class="actions">
          <button type="submit" disabled={(draft.trim() === '' && pending.length === 0) || uploading > 0 || running !== undefined}>Send</button>
          <button type="button" onClick={abort} disabled={running === undefined}>Abort</button>
        </div>
      </form>
    </section>
  );
}
