import { createTestDb, startTestServer, type TestDb, type TestServer } from "./server";

/** A fresh SQLite-backed test server for every test of the file; `server()` is the current one. */
export function useTestServer(): () => TestServer {
  let db: TestDb;
  let server: TestServer;
  beforeEach(async () => {
    db = await createTestDb("sqlite");
    server = await startTestServer(db.url);
  });
  afterEach(async () => {
    await server.close();
    await db.drop();
  });
  return () => server;
}
