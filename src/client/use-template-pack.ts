import { useEffect, useSyncExternalStore } from "react";
import type { TemplateRegistry } from "../core/template/registry";
import { packRevision, packTemplates, refreshPackOnce, subscribePack } from "./template-pack";

/**
 * The tables for a component of the pane or the web pages: the server's, fetched once per page
 * and re-rendered when they arrive. Returns the registry getter, as `templates()` was.
 */
export function useTemplates(): () => TemplateRegistry {
  useSyncExternalStore(subscribePack, packRevision);
  useEffect(() => {
    void refreshPackOnce();
  }, []);
  return packTemplates;
}
