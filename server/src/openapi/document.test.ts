import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { testApp, type TestContext } from '../../test/harness.ts';

let t: TestContext;
beforeAll(async () => (t = await testApp()));
afterAll(() => t.close());

type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Document = { security?: unknown[]; info: { description: string }; paths: Record<string, Record<string, Operation>> };

/** The operations through which a session is obtained: the only ones open to anyone. */
// Where a session is obtained: signing in, a projector link, and an empty instance's first run.
const PUBLIC = ['requestMagicLink', 'openSession', 'openProjectorSession', 'getSetupStatus', 'completeSetup'];

function operations(): { name: string; op: Operation }[] {
  const document = t.app.swagger() as unknown as Document;
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path} (${op.operationId})`, op })),
  );
}

describe('the OpenAPI document, for every operation', () => {
  it('declares every error reply as application/problem+json, which is what the server sends', () => {
    const wrong = operations().flatMap(({ name, op }) =>
      Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, response]) => Object.keys(response.content ?? {}).join() !== 'application/problem+json')
        .map(([status, response]) => `${name} ${status}: ${Object.keys(response.content ?? {}).join() || 'no content'}`),
    );
    expect(wrong).toEqual([]);
  });

  it('requires a session everywhere except where a session is obtained', () => {
    const document = t.app.swagger() as unknown as Document;
    expect(document.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    const open = operations().filter(({ op }) => Array.isArray(op.security) && op.security.length === 0);
    expect(open.map(({ op }) => op.operationId).sort()).toEqual([...PUBLIC].sort());
  });

  it('declares 400 wherever a body, a path parameter or a query string is validated', () => {
    const missing = operations()
      .filter(({ op }) => op.requestBody !== undefined || (op.parameters ?? []).length > 0)
      .filter(({ op }) => !('400' in op.responses))
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it('names every operation', () => {
    expect(operations().filter(({ op }) => !op.operationId).map(({ name }) => name)).toEqual([]);
  });

  it('says that an unsupported method gets a 405', () => {
    expect((t.app.swagger() as unknown as Document).info.description).toContain('405');
  });
});

describe('a method a known path does not support', () => {
  it('answers 405 with an Allow header and a problem body', async () => {
    const res = await request(t.app.server).delete('/api/auth/magic-link');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });

  it('lists every method of a path with parameters', async () => {
    const res = await request(t.app.server).put(`/api/orgs/${randomUUID()}`);
    expect(res.status).toBe(405);
    expect(res.headers.allow?.split(', ')).toEqual(expect.arrayContaining(['GET', 'PATCH']));
  });

  it('knows a path given with a trailing slash', async () => {
    const res = await request(t.app.server).delete('/api/auth/magic-link/');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });

  it('leaves an unknown path a 404', async () => {
    const res = await request(t.app.server).get('/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });
});
