/**
 * Where the shell's pages are. Online, WPS loads the shell from the county server
 * (…/addin/wps/index.html), and the pane is that server's …/addin/taskpane.html. From an offline
 * package the shell is a local file (origin null): the package names the server in index.html's
 * `<meta name="tianbao-server">` (src/wps/package.ts), and the pane still comes from it, so the
 * pane's origin, CSP and storage are the same in both modes.
 */
export interface ShellUrls {
  /** The task pane, on the county server. */
  pane: string;
  /** The clerk's help page, on the county server. */
  help: string;
  /** The probe, beside the shell (it needs no server). */
  probe: string;
}

export const SERVER_META = "tianbao-server";

const isWeb = (url: URL): boolean => url.protocol === "https:" || url.protocol === "http:";

/** The server's root URL as written in a package: an http(s) URL with nothing after the path. */
export function parseServer(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (!isWeb(url) || url.username || url.password || url.search || url.hash) return null;
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

/**
 * The shell's URLs from the address of the page that defines the callbacks and the server a
 * package names (null online). Null when neither says where the server is.
 */
export function shellUrls(pageHref: string, packagedServer: string | null): ShellUrls | null {
  const page = new URL(pageHref);
  const server = packagedServer !== null ? parseServer(packagedServer) : null;
  // Online the shell is /addin/wps/ on the server itself: the pane is one folder up.
  const addin = server ? new URL("addin/", server) : isWeb(page) ? new URL("../", page) : null;
  if (!addin) return null;
  return {
    pane: new URL("taskpane.html", addin).href,
    help: new URL("help.html", addin).href,
    probe: new URL("probe.html", page).href,
  };
}
