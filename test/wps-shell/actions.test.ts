import {
  BUTTONS,
  imageOf,
  onAction,
  PANE_KEYS,
  type ShellHost,
  type ShellPane,
} from "../../src/wps/shell/actions";
import { parseServer, shellUrls } from "../../src/wps/shell/urls";

/**
 * The shell's side of WPS: task panes made with CreateTaskPane, found again by the id kept in
 * PluginStorage (shared by the add-in's pages, emptied when WPS restarts), dialogs.
 */
class FakeWps implements ShellHost {
  readonly panes = new Map<number, ShellPane & { url: string; title?: string }>();
  readonly dialogs: string[] = [];
  private readonly items = new Map<string, string | number | boolean>();
  private nextId = 100;
  readonly PluginStorage = {
    getItem: (k: string) => this.items.get(k) ?? null,
    setItem: (k: string, v: string | number | boolean) => void this.items.set(k, v),
  };
  CreateTaskPane(url: string, title?: string): ShellPane {
    const pane = { ID: this.nextId++, Visible: false, DockPosition: 0, url, title };
    this.panes.set(pane.ID, pane);
    return pane;
  }
  GetTaskPane(id: number): ShellPane {
    const p = this.panes.get(id);
    if (!p) throw new Error("no such task pane");
    return p;
  }
  ShowDialog(url: string): void {
    this.dialogs.push(url);
  }
  restart(): void {
    this.items.clear();
    this.panes.clear();
  }
}

const ONLINE = shellUrls("https://tianbao.example.gov.cn/addin/wps/index.html", null)!;

describe("the WPS 表格 shell's ribbon actions", () => {
  it("opens the pane once, docked right, and shows the same pane again on the next click", () => {
    const wps = new FakeWps();
    expect(onAction(wps, ONLINE, BUTTONS.openPane)).toBe(true);
    expect([...wps.panes.values()]).toEqual([
      {
        ID: 100,
        Visible: true,
        DockPosition: 2,
        url: "https://tianbao.example.gov.cn/addin/taskpane.html",
        title: "填报",
      },
    ]);
    expect(wps.PluginStorage.getItem(PANE_KEYS.pane)).toBe(100);
    wps.panes.get(100)!.Visible = false; // the clerk closed it
    onAction(wps, ONLINE, BUTTONS.openPane);
    expect(wps.panes.size).toBe(1);
    expect(wps.panes.get(100)!.Visible).toBe(true);
  });

  it("makes a new pane when the one kept is gone, or after WPS restarted", () => {
    const wps = new FakeWps();
    onAction(wps, ONLINE, BUTTONS.openPane);
    wps.panes.delete(100); // GetTaskPane now throws
    onAction(wps, ONLINE, BUTTONS.openPane);
    expect([...wps.panes.keys()]).toEqual([101]);
    expect(wps.PluginStorage.getItem(PANE_KEYS.pane)).toBe(101);
    wps.restart();
    onAction(wps, ONLINE, BUTTONS.openPane);
    expect([...wps.panes.keys()]).toEqual([102]);
  });

  it("opens help in a dialog and the probe in a pane of its own beside the shell", () => {
    const wps = new FakeWps();
    onAction(wps, ONLINE, BUTTONS.help);
    expect(wps.dialogs).toEqual(["https://tianbao.example.gov.cn/addin/help.html"]);
    onAction(wps, ONLINE, BUTTONS.probe);
    onAction(wps, ONLINE, BUTTONS.openPane);
    expect([...wps.panes.values()].map((p) => p.url)).toEqual([
      "https://tianbao.example.gov.cn/addin/wps/probe.html",
      "https://tianbao.example.gov.cn/addin/taskpane.html",
    ]);
    expect(onAction(wps, ONLINE, "someoneElsesButton")).toBe(false);
    expect(onAction(wps, null, BUTTONS.openPane)).toBe(false);
    expect(wps.panes.size).toBe(2);
  });

  it("gives every button an icon from the add-in's folder", () => {
    expect(Object.values(BUTTONS).map(imageOf)).toEqual([
      "images/pane.png",
      "images/help.svg",
      "images/probe.svg",
    ]);
  });
});

describe("where the shell finds the server", () => {
  it("online: the server that served the shell; the probe beside the shell", () => {
    expect(shellUrls("http://10.1.2.3:3000/addin/wps/index.html?x=1", null)).toEqual({
      pane: "http://10.1.2.3:3000/addin/taskpane.html",
      help: "http://10.1.2.3:3000/addin/help.html",
      probe: "http://10.1.2.3:3000/addin/wps/probe.html",
    });
  });

  it("offline: the server the package names, even from a local file (origin null)", () => {
    const page =
      "file:///C:/Users/a/AppData/Roaming/kingsoft/wps/jsaddons/tianbao_0.1.0/index.html";
    expect(shellUrls(page, "https://tianbao.example.gov.cn/county/")).toEqual({
      pane: "https://tianbao.example.gov.cn/county/addin/taskpane.html",
      help: "https://tianbao.example.gov.cn/county/addin/help.html",
      probe: "file:///C:/Users/a/AppData/Roaming/kingsoft/wps/jsaddons/tianbao_0.1.0/probe.html",
    });
    expect(shellUrls(page, "https://tianbao.example.gov.cn")!.pane).toBe(
      "https://tianbao.example.gov.cn/addin/taskpane.html"
    );
    // A local shell without a named server cannot know where the pane is.
    expect(shellUrls(page, null)).toBeNull();
    expect(shellUrls(page, "javascript:alert(1)")).toBeNull();
  });

  it("takes only a plain http(s) address as the server", () => {
    expect(parseServer(" https://a.example/ ")?.href).toBe("https://a.example/");
    for (const bad of [
      "ftp://a.example/",
      "https://u:p@a.example/",
      "https://a.example/?q=1",
      "https://a.example/#x",
      "a.example",
      "",
    ])
      expect([bad, parseServer(bad)]).toEqual([bad, null]);
  });
});
