// Outgoing webhooks: a CloudEvents 1.0 JSON event (structured mode) when a sync task or a scan ends, posted to
// REGATTA_WEBHOOK_URL through the job queue (so a receiver that is down gets it later: 5 tries with back-off) and
// signed with REGATTA_WEBHOOK_SECRET: `X-Regatta-Signature: sha256=<hex HMAC-SHA256 of the exact body>`.
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { RegattaError } from '../errors.js';
import type { AppContext } from './context.js';
import { Queues } from './queue.js';

export interface WebhookConfig {
  url: string;
  secret?: string;
}

export type EventType = 'io.regatta.sync.task.finished' | 'io.regatta.scan.finished';

export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

/** Queues an event for delivery (nothing when no webhook is configured). */
export async function emitEvent(
  ctx: AppContext,
  type: EventType,
  subject: string,
  data: Record<string, unknown>,
): Promise<void> {
  if (!ctx.webhook) return;
  const event: CloudEvent = {
    specversion: '1.0',
    id: randomUUID(),
    source: 'regatta',
    type,
    subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  };
  await ctx.jobs.send(Queues.webhook, event, { retryLimit: 5, retryDelay: 5, retryBackoff: true });
}

export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts one event; a non-2xx answer or a network failure throws, and the queue tries again later. */
export async function deliverEvent(webhook: WebhookConfig, event: CloudEvent): Promise<void> {
  const body = JSON.stringify(event);
  const res = await request(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      ...(webhook.secret ? { 'x-regatta-signature': signature(webhook.secret, body) } : {}),
    },
    body,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  await res.body.dump();
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new RegattaError('WEBHOOK_REFUSED', `the webhook answered ${res.statusCode}`);
  }
}
