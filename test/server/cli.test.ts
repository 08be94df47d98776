// @vitest-environment node
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DATABASES, startTestServer, type TestServer } from '../helpers/server';
import { BIN, scratch, touchbase } from './cli-run';
import { call } from './http';

// each test spawns the CLI several times (about a second each on an idle machine)
vi.setConfig({ testTimeout: 90_000 });

describe('touchbase CLI usage', () => {
  it('prints usage and rejects bad flags with exit code 2', async () => {
    const help = await touchbase(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/users add --name N --email E --department D/);
    expect(help.stdout).toMatch(/config disable-adapter ID \[--reason R\]/);

    const [unknownFlag, missing, wrongVerb, badRole] = await Promise.all([
      touchbase(['users', 'add', '--nme', 'Typo', '--db', scratch('usage.sqlite')]),
      touchbase([
        'users',
        'add',
        '--name',
        'No Email',
        '--department',
        'Sales',
        '--db',
        scratch('usage.sqlite'),
      ]),
      touchbase(['users', 'remove', '--email', 'x@y.z']),
      touchbase([
        'users',
        'add',
        '--name',
        'R',
        '--email',
        'r@x.com',
        '--department',
        'PR',
        '--role',
        'root',
        '--port',
        '1',
      ]),
    ]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/--nme/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--email is required/);
    expect(wrongVerb.code).toBe(2);
    expect(wrongVerb.stderr).toMatch(/unknown command "users remove"/);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/--port does not apply/);
  });

  it('serve prints its URL and shuts down gracefully on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--db', scratch('serve.sqlite')],
      {
        env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: '' },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /Touchbase API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1]) {
          clearInterval(timer);
          resolve(match[1]);
        }
      }, 50);
      child.once('exit', () => reject(new Error(output)));
    });
    expect((await call(url, '/v1/health')).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // one log line per request: method, path, status, time; never a query string or token
    expect(output).toMatch(/^GET \/v1\/health 200 \d+\.\dms$/m);
  });
});

describe.each(DATABASES)('touchbase CLI on %s', (database) => {
  const skip = database === 'postgres' && !inject('touchbasePgUrl');
  let server: TestServer;
  let env: Record<string, string>;
  let dbArgs: string[];

  beforeAll(async () => {
    if (skip) return;
    server = await startTestServer({ database });
    env = { DATABASE_URL: server.databaseUrl ?? '' };
    dbArgs = server.dbFile ? ['--db', server.dbFile] : [];
  });
  afterAll(async () => {
    await server?.stop();
  });

  const cli = (...args: string[]) => touchbase([...args, ...dbArgs], env);

  it.skipIf(skip)('users add prints a token once; list shows it; revoke ends it', async () => {
    const added = await cli(
      'users',
      'add',
      '--name',
      'Nora Newhire',
      '--email',
      'Nora@Brightwave.test',
      '--department',
      'Marketing',
      '--title',
      'Designer',
    );
    expect(added.code, added.stderr).toBe(0);
    const token = /Token \(shown only once\): (tb_[A-Za-z0-9_-]{43})$/m.exec(added.stdout)?.[1];
    expect(token).toBeDefined();
    const me = await call(server.url, '/v1/me', { token });
    expect(me.body).toMatchObject({
      colleague: {
        name: 'Nora Newhire',
        email: 'nora@brightwave.test',
        department: 'Marketing',
        title: 'Designer',
      },
      role: 'member',
    });

    const duplicate = await cli(
      'users',
      'add',
      '--name',
      'Nora Again',
      '--email',
      'nora@brightwave.test',
      '--department',
      'Sales',
    );
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);

    const listed = await cli('users', 'list');
    expect(listed.stdout).toMatch(
      /^nora@brightwave\.test\s+Nora Newhire\s+Marketing\s+member\s+1$/m,
    );
    expect(listed.stdout).toMatch(/^admin@touchbase\.test\s+Test Admin\s+Operations\s+admin\s+1$/m);
    expect(listed.stdout).not.toMatch(/tb_/);

    const revoked = await cli('users', 'revoke', '--email', 'nora@brightwave.test');
    expect(revoked.stdout).toMatch(/Revoked 1 token of Nora Newhire/);
    expect((await call(server.url, '/v1/me', { token })).status).toBe(401);
  });

  it.skipIf(skip)(
    'config disable-adapter / enable-adapter reach the running server’s GET /v1/config',
    async () => {
      const read = () => call(server.url, '/v1/config', { token: server.adminToken });
      expect((await cli('config', 'show')).stdout).toMatch(
        /^Config version 0: every adapter is on/,
      );

      const off = await cli(
        'config',
        'disable-adapter',
        'linkedin',
        '--reason',
        'Profile markup changed (ticket 42)',
      );
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toMatch(/Turned off adapter "linkedin" for every extension/);
      expect((await read()).body).toMatchObject({ version: 1, disabledAdapters: ['linkedin'] });

      const again = await cli('config', 'disable-adapter', 'linkedin');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/already off/);
      const shown = await cli('config', 'show');
      expect(shown.stdout).toMatch(/^Config version 1, last changed \S+\. Turned off/);
      expect(shown.stdout).toMatch(
        /^linkedin\s+\d{4}-\d\d-\d\dT\S+Z\s+Profile markup changed \(ticket 42\)$/m,
      );

      const [badId, noId, reasonOnEnable] = await Promise.all([
        cli('config', 'disable-adapter', 'LinkedIn'),
        cli('config', 'enable-adapter'),
        cli('config', 'enable-adapter', 'linkedin', '--reason', 'fixed'),
      ]);
      expect(badId.code).toBe(2);
      expect(badId.stderr).toMatch(/"LinkedIn" is not an adapter id: ids are lower-case slugs/);
      expect(noId.code).toBe(2);
      expect(noId.stderr).toMatch(/config enable-adapter needs an adapter ID/);
      expect(reasonOnEnable.code).toBe(2);
      expect(reasonOnEnable.stderr).toMatch(/--reason does not apply/);

      const on = await cli('config', 'enable-adapter', 'linkedin');
      expect(on.code, on.stderr).toBe(0);
      expect(on.stdout).toMatch(/Turned adapter "linkedin" back on \(config version 2\)/);
      expect((await read()).body).toMatchObject({ version: 2, disabledAdapters: [] });
      expect((await cli('config', 'enable-adapter', 'linkedin')).stdout).toMatch(
        /was not turned off\. Nothing changed/,
      );
    },
  );
});
