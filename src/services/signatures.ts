// PLACEHOLDER until the verification service lands (helper-11): no key verifies anything.
import type { AppContext } from '../app/context.js';

export async function verifyImage(
  _ctx: AppContext,
  _img: { projectId: string; registryId: string; repository: string; digest: string; keyNames?: string[] },
): Promise<{ name: string; fingerprint: string; verified: boolean; detail: string }[]> {
  return [];
}
