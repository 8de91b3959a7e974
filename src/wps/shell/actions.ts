import type { ShellUrls } from "./urls";

/** The part of WPS's `Application` the shell uses (typed after et-jsapi-declare's `WPS.AddonRoot`). */
export interface ShellHost {
  CreateTaskPane(url: string, title?: string): ShellPane;
  GetTaskPane(id: number): ShellPane | null | undefined;
  readonly PluginStorage: {
    getItem(key: string): string | number | boolean | null | undefined;
    setItem(key: string, value: number | boolean | string): void;
  };
  ShowDialog(url: string, title?: string, width?: number, height?: number, isModal?: boolean): void;
}

export interface ShellPane {
  readonly ID: number;
  Visible: boolean;
  DockPosition: number;
}

/** Kso.MsoCTPDockPosition.msoCTPDockPositionRight; the enumerations may be absent at run time. */
const DOCK_RIGHT = 2;

export const BUTTONS = {
  openPane: "tianbaoOpenPane",
  help: "tianbaoHelp",
  probe: "tianbaoProbe",
} as const;

/** PluginStorage keys of the panes' ids: shared by the add-in's pages, gone when WPS restarts. */
export const PANE_KEYS = { pane: "tianbao.paneId", probe: "tianbao.probePaneId" } as const;

/**
 * Shows the pane whose id is kept under `key`, found again with GetTaskPane; creates it when
 * none was made since WPS started, or the one made was deleted.
 */
export function showPane(host: ShellHost, key: string, url: string, title: string): ShellPane {
  const kept = host.PluginStorage.getItem(key);
  const id = Number(kept);
  if (kept !== null && kept !== undefined && kept !== "" && Number.isInteger(id)) {
    let pane: ShellPane | null | undefined = null;
    try {
      pane = host.GetTaskPane(id);
    } catch {
      pane = null; // a pane the user closed for good may be gone: make a new one
    }
    if (pane) {
      pane.Visible = true;
      return pane;
    }
  }
  const pane = host.CreateTaskPane(url, title);
  pane.DockPosition = DOCK_RIGHT;
  pane.Visible = true;
  host.PluginStorage.setItem(key, pane.ID);
  return pane;
}

/** What a ribbon button does; false for a control the shell does not know. */
export function onAction(host: ShellHost, urls: ShellUrls | null, controlId: string): boolean {
  if (!urls) return false;
  switch (controlId) {
    case BUTTONS.openPane:
      showPane(host, PANE_KEYS.pane, urls.pane, "填报");
      return true;
    case BUTTONS.help:
      host.ShowDialog(urls.help, "填报 使用说明", 640, 560, false);
      return true;
    case BUTTONS.probe:
      // A pane, not a modal dialog: the manual experiments need the sheet while the probe waits.
      showPane(host, PANE_KEYS.probe, urls.probe, "填报 诊断");
      return true;
    default:
      return false;
  }
}

/** The ribbon's icons, relative to the add-in's folder. */
export function imageOf(controlId: string): string {
  switch (controlId) {
    case BUTTONS.help:
      return "images/help.svg";
    case BUTTONS.probe:
      return "images/probe.svg";
    default:
      return "images/pane.png";
  }
}
