// Every request this process makes to a registry, as an event on a diagnostics channel (node:diagnostics_channel):
// the metrics count them by host, method, status and error code without the OCI layer knowing metrics exist.
// Publishing costs nothing while no one subscribes.
import { channel } from 'node:diagnostics_channel';

export interface RegistryRequestEvent {
  /** The registry host (`host[:port]`) the transport serves; upload and redirect targets count for it. */
  host: string;
  method: string;
  /** The HTTP status, or `none` when no answer came (connection refused, reset, timeout). */
  status: string;
  /** `OK` for an expected answer, else the error code (the registry's first error code, NETWORK_ERROR, …). */
  code: string;
}

const requests = channel('regatta:registry-request');

export function publishRegistryRequest(event: RegistryRequestEvent): void {
  if (requests.hasSubscribers) requests.publish(event);
}

/** Told of every registry request of this process; returns the unsubscribe function. */
export function onRegistryRequest(listener: (event: RegistryRequestEvent) => void): () => void {
  const handler = (message: unknown) => listener(message as RegistryRequestEvent);
  requests.subscribe(handler);
  return () => requests.unsubscribe(handler);
}
