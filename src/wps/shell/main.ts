/// <reference types="et-jsapi-declare" />
/**
 * The WPS 表格 add-in's entry (main.js, loaded by index.html): the callbacks ribbon.xml names,
 * defined as globals because WPS calls them by name.
 */
import { imageOf, onAction, type ShellHost } from "./actions";
import { SERVER_META, shellUrls } from "./urls";

const packaged = document.querySelector<HTMLMetaElement>(`meta[name="${SERVER_META}"]`);
const urls = shellUrls(window.location.href, packaged ? packaged.content : null);

const host = (): ShellHost => window.Application as unknown as ShellHost;

interface RibbonControl {
  Id: string;
}

const callbacks = {
  OnAddinLoad(ribbonUI: unknown): boolean {
    // Public add-ins keep the ribbon object on the host: a later page may refresh the buttons.
    const app = window.Application as unknown as { ribbonUI?: unknown };
    if (typeof app.ribbonUI !== "object") app.ribbonUI = ribbonUI;
    return true;
  },
  OnAction(control: RibbonControl): boolean {
    if (!urls) {
      alert("填报加载项不知道服务器地址：请联系单位信息科（安装包缺少服务器地址）。");
      return false;
    }
    return onAction(host(), urls, control.Id);
  },
  GetImage(control: RibbonControl): string {
    return imageOf(control.Id);
  },
};

Object.assign(window, callbacks);
