import { compileTemplate, type CompiledTemplate } from "./compile";

/** Compiled templates by id and version. Built once; compiling checks every definition. */
export class TemplateRegistry {
  private readonly byKey = new Map<string, CompiledTemplate>();
  private readonly latest = new Map<string, CompiledTemplate>();

  constructor(definitions: readonly unknown[]) {
    for (const d of definitions) {
      const t = compileTemplate(d);
      const key = `${t.id}@${t.version}`;
      if (this.byKey.has(key)) throw new Error(`template ${key} is defined twice`);
      this.byKey.set(key, t);
      const cur = this.latest.get(t.id);
      if (!cur || cur.version < t.version) this.latest.set(t.id, t);
    }
  }

  get(id: string, version?: number): CompiledTemplate | undefined {
    return version === undefined ? this.latest.get(id) : this.byKey.get(`${id}@${version}`);
  }

  /** The latest version of each template, in definition order. */
  list(): CompiledTemplate[] {
    return [...this.latest.values()];
  }
}
