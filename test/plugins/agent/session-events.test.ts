import { describe, expect, it } from 'vitest';
import { SessionEvents } from '../../../plugins/agent/session-events.ts';
import { connectClient, startGateway } from '../gateway/helpers.ts';

describe('session event subscriptions', () => {
  it('unsubscribe(connection) drops every session of it; a gone connection is dropped on delivery', () => {
    const sent: string[] = [];
    const events = new SessionEvents({ instanceId: 'i', bus: () => undefined, send: (id) => (sent.push(id), id !== 'gone') });
    events.subscribe('c1', 'agent:main:main');
    events.subscribe('c1', 'agent:main:telegram:dm:1');
    events.subscribe('gone', 'agent:main:main');
    expect(events.connections).toBe(2);
    events.local({ type: 'delta', runId: 'r', sessionKey: 'agent:main:main', attempt: 1, text: 'x' });
    expect(sent.sort()).toEqual(['c1', 'gone']);
    expect(events.connections).toBe(1);
    events.unsubscribe('c1');
    expect(events.connections).toBe(0);
  });

  it('the gateway tells listeners which connection closed', async () => {
    const { service, url } = await startGateway();
    const closed: string[] = [];
    service.onDisconnect((id) => closed.push(id));
    const client = await connectClient(url);
    const connId = (client.frames.find((f) => f.payload?.type === 'hello-ok')!.payload.server.connId) as string;
    client.ws.close();
    await client.closed;
    for (let i = 0; i < 100 && closed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toEqual([connId]);
  });
});
