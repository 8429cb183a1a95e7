import pg from 'pg';
import { createTestDatabase, describeInfra, infraStatus, startNatsServer } from './index.js';

describeInfra('libs/testing helpers', () => {
  test('infraStatus sees NATS and PostgreSQL', async () => {
    expect(await infraStatus()).toEqual({ nats: true, postgres: true });
  });

  test('createTestDatabase gives a fresh database and drops it', async () => {
    const db = await createTestDatabase();
    expect(db.url).toMatch(/\/csms_t_[0-9a-f]+$/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    expect((await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0].db).toBe(db.name);
    await client.end();
    await db.drop();
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await admin.connect();
    expect((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])).rowCount).toBe(0);
    await admin.end();
  });

  test('startNatsServer: stop, kill and restart on the same port', async () => {
    const server = await startNatsServer({ jetstream: true });
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(4222);
    await server.kill();
    await server.restart();
    await server.stop();
    await server.restart();
    await server.dispose();
  });
});
