import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * `tianbao serve` (the real CLI) in a child process, on its own database; with `addinDir`, it
 * serves that build of the add-in (the browser tests serve the harness page). `entry` is how it
 * is started: as `npm start` does (`node --import tsx src/cli/index.ts`) or through the bin.
 */
export class CliServer {
  private child: ChildProcess | null = null;
  output = "";
  /** More environment for the process (set before start). */
  env: Record<string, string> = {};

  constructor(
    readonly port: number,
    private readonly db: string,
    private readonly addinDir?: string,
    private readonly entry: "tsx" | "bin" = "tsx"
  ) {}

  /** The server's process id, while it runs. */
  get pid(): number | undefined {
    const c = this.child;
    return c && c.exitCode === null && c.signalCode === null ? c.pid : undefined;
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(demo: boolean): Promise<void> {
    const args = [
      ...(this.entry === "bin" ? ["bin/tianbao.js"] : ["--import", "tsx", "src/cli/index.ts"]),
      "serve",
      "--http",
    ];
    args.push("--port", String(this.port), "--db", this.db, ...(demo ? ["--demo"] : []));
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...process.env,
        ...(this.addinDir ? { TIANBAO_ADDIN_DIR: this.addinDir } : {}),
        ...this.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout!.on("data", (b: Buffer) => (this.output += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (this.output += b.toString()));
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 150));
      try {
        const res = await fetch(`${this.base}/api/v1/health`);
        if (res.ok && (!demo || /Demo collector token/.test(this.output))) return;
      } catch {
        // not up yet
      }
    }
    throw new Error(`the server did not start:\n${this.output}`);
  }

  /** The demo tokens it printed. */
  tokens(): { reporter: string; collector: string } {
    return {
      reporter: /Demo reporter token[^:]*:\s*(\S+)/.exec(this.output)![1]!,
      collector: /Demo collector token[^:]*:\s*(\S+)/.exec(this.output)![1]!,
    };
  }

  /** SIGTERM lets it close cleanly; the crash test sends SIGKILL. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  async api<T>(path: string, token: string): Promise<T> {
    const res = await fetch(`${this.base}/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await res.json()) as T;
  }
}
