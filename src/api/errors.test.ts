// The error seam, facade by facade: one domain error answers with the same status class in each facade's own
// envelope; refused credentials are 401 everywhere; a framework refusal is the caller's (4xx); anything else is
// a 500 that says nothing of its cause.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { AuthError, DOMAIN_CODES, RegattaError } from '../errors.js';
import { acrErrorHandler } from './acr/errors.js';
import { hssErrorHandler } from './hss/errors.js';
import { nativeErrorHandler } from './native/errors.js';
import { swrErrorHandler } from './swr/errors.js';

type Handler = (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => void;

/** How each facade's body names its code. */
const FACADES: Record<string, { handler: Handler; code: (body: Record<string, unknown>) => unknown }> = {
  native: { handler: nativeErrorHandler, code: (b) => b.code },
  hss: { handler: hssErrorHandler, code: (b) => b.error_code },
  swr: { handler: swrErrorHandler, code: (b) => b.error_code },
  acr: { handler: acrErrorHandler, code: (b) => b.Code },
};

async function answer(handler: Handler, error: Error): Promise<{ status: number; body: Record<string, unknown> }> {
  const app = Fastify({ logger: false });
  app.setErrorHandler(handler);
  app.get('/', async () => {
    throw error;
  });
  app.post('/strict', { schema: { body: { type: 'object', required: ['x'] } } }, async () => ({}));
  const res =
    error.message === 'validation'
      ? await app.inject({ method: 'POST', url: '/strict', payload: {} })
      : await app.inject('/');
  await app.close();
  return { status: res.statusCode, body: res.json() };
}

const classOf = (status: number) => Math.floor(status / 100);

test('every domain code answers 4xx in every facade, with a code in its envelope and the message kept', async () => {
  for (const code of Object.keys(DOMAIN_CODES)) {
    const statuses = new Set<number>();
    for (const [name, f] of Object.entries(FACADES)) {
      const { status, body } = await answer(f.handler, new RegattaError(code, `because ${code}`));
      assert.equal(classOf(status), 4, `${name} ${code} → ${status}`);
      assert.ok(typeof f.code(body) === 'string' && f.code(body) !== '', `${name} ${code} has a code`);
      assert.match(JSON.stringify(body), new RegExp(`because ${code}`), `${name} keeps the message`);
      statuses.add(classOf(status));
    }
    assert.equal(statuses.size, 1, `${code}: one status class across facades`);
  }
});

test('a deleted registry is not-found in each facade’s terms (HSS: 400 as HSS answers every 4xx)', async () => {
  const deleted = () => new RegattaError('REGISTRY_DELETED', 'the source registry of the rule was removed');
  const got = Object.fromEntries(
    await Promise.all(
      Object.entries(FACADES).map(async ([name, f]) => {
        const { status, body } = await answer(f.handler, deleted());
        return [name, `${status} ${f.code(body)}`] as const;
      }),
    ),
  );
  assert.deepEqual(got, {
    native: '404 REGISTRY_DELETED',
    hss: '400 HSS.0011',
    swr: '404 SVCSTG.SWR.4040009',
    acr: '404 INSTANCE_NOT_EXIST',
  });
});

test('refused credentials are 401 in every facade; HSS tells a token from a signature as its gateway does', async () => {
  for (const [name, f] of Object.entries(FACADES)) {
    assert.equal((await answer(f.handler, new AuthError('token', 'no token'))).status, 401, name);
  }
  assert.equal((await answer(hssErrorHandler, new AuthError('token', 'x'))).body.error_code, 'APIGW.0307');
  assert.equal((await answer(hssErrorHandler, new AuthError('signature', 'x'))).body.error_code, 'APIGW.0301');
});

test('a schema refusal is 400; an unexpected error is a 500 that hides its cause', async () => {
  for (const [name, f] of Object.entries(FACADES)) {
    assert.equal((await answer(f.handler, new Error('validation'))).status, 400, name);
    const { status, body } = await answer(f.handler, new TypeError('secret detail at /srv/x.ts:12'));
    assert.equal(status, 500, name);
    assert.doesNotMatch(JSON.stringify(body), /secret detail/, `${name} hides the cause`);
  }
});
