// Password sign-in, for the console's session and IAM's token endpoint: the person by name, the password checked
// against its scrypt hash (the same work when the name is unknown or has no password, so that timing tells
// nothing). A refusal is an AuthError: the caller's facade answers 401 and the throttle counts it.
import type { AppContext } from '../app/context.js';
import { AuthError } from '../errors.js';
import type { Caller } from '../store/identities.js';
import { verifyPassword } from './passwords.js';

export async function signIn(ctx: AppContext, name: string, password: string): Promise<Caller> {
  const user = await ctx.principals.userForSignIn(name);
  const ok = await verifyPassword(password, user?.passwordHash);
  const caller = ok && user ? await ctx.identities.byPrincipal(user.id) : undefined;
  if (!caller) throw new AuthError('token', 'The username or password is wrong');
  return caller;
}
