// One ACR action: what a handler gets and gives. The dispatcher (index.ts) adds the success envelope.
import type { AppContext } from '../../app/context.js';
import type { Identity } from '../../store/identities.js';
import type { Scope } from '../../store/scope.js';
import { invalidParameter } from './errors.js';
import type { RpcParams } from './params.js';

export interface ActionCall {
  ctx: AppContext;
  scope: Scope;
  identity: Identity;
  p: RpcParams;
}

export type Action = (call: ActionCall) => Promise<Record<string, unknown>>;

/** The JSON schemas of the fields an action answers with (the dispatcher adds the envelope's), by name. */
export type ActionFields = Readonly<Record<string, object>>;

/** OCI distribution path components (distribution spec, "Pulling manifests": `<name>`), lowercase. */
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** A namespace (one component) or repository (components joined by `/`) name, checked by its parameter name. */
export function checkName(name: string, value: string, kind: 'namespace' | 'repository'): string {
  const parts = kind === 'namespace' ? [value] : value.split('/');
  if (value.length > 255 || !parts.every((c) => COMPONENT.test(c))) {
    throw invalidParameter(name, `${JSON.stringify(value)} is not a valid ${kind} name`);
  }
  return value;
}

export function checkTag(name: string, value: string): string {
  if (!TAG.test(value)) throw invalidParameter(name, `${JSON.stringify(value)} is not a valid tag`);
  return value;
}

/** Cross-account sync has no meaning here: every registry is the caller's own. */
export function refuseCrossUser(call: ActionCall): void {
  if (call.p.optional('TargetUserId')) {
    throw invalidParameter('TargetUserId', 'cross-account sync is not supported: connect the target registry instead');
  }
}
