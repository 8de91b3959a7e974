import { compileTemplate, type CompiledTemplate } from "./compile";

/**
 * Compiled templates by id and version. Every version stays (a document names the version it
 * was filled on); tables can be installed and retired while the registry is in use, so the
 * server and the add-in see a new table without a rebuild.
 */
export class TemplateRegistry {
  private readonly byKey = new Map<string, CompiledTemplate>();
  private readonly latest = new Map<string, CompiledTemplate>();
  private readonly retired = new Set<string>();
  private changes = 0;

  constructor(definitions: readonly unknown[] = []) {
    for (const d of definitions) {
      const t = compileTemplate(d);
      if (this.byKey.has(keyOf(t.id, t.version)))
        throw new Error(`template ${keyOf(t.id, t.version)} is defined twice`);
      this.add(t);
    }
  }

  private add(t: CompiledTemplate): void {
    this.byKey.set(keyOf(t.id, t.version), t);
    const cur = this.latest.get(t.id);
    if (!cur || cur.version < t.version) this.latest.set(t.id, t);
    this.changes++;
  }

  /** Compiles and adds one version (throws TemplateError when wrong); a version already held is kept as it is. */
  install(definition: unknown): CompiledTemplate {
    const t = compileTemplate(definition);
    const held = this.byKey.get(keyOf(t.id, t.version));
    if (held) return held;
    this.add(t);
    return t;
  }

  /** Whether this id and version are held. */
  has(id: string, version: number): boolean {
    return this.byKey.has(keyOf(id, version));
  }

  /** Marks a table retired (no new submissions) or back in use; its versions stay for history. */
  setRetired(id: string, retired: boolean): void {
    if (retired === this.retired.has(id)) return;
    if (retired) this.retired.add(id);
    else this.retired.delete(id);
    this.changes++;
  }

  isRetired(id: string): boolean {
    return this.retired.has(id);
  }

  /** Grows with every install or retirement: a view re-reads the registry when it changes. */
  get revision(): number {
    return this.changes;
  }

  /** The latest version (retired tables included: their documents still validate), or that version. */
  get(id: string, version?: number): CompiledTemplate | undefined {
    return version === undefined ? this.latest.get(id) : this.byKey.get(keyOf(id, version));
  }

  /** The latest version of each table in use (not retired), in installation order. */
  list(): CompiledTemplate[] {
    return [...this.latest.values()].filter((t) => !this.retired.has(t.id));
  }

  /** Every version held, oldest first per table. */
  all(): CompiledTemplate[] {
    return [...this.byKey.values()];
  }
}

const keyOf = (id: string, version: number): string => `${id}@${version}`;
