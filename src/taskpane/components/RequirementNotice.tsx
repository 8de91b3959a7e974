import { MessageBar, MessageBarBody, MessageBarTitle, Title3 } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Locale } from "../../core/i18n";
import { REQUIRED_SET } from "../../excel/capabilities";

const TEXT: Record<Locale, { title: string; body: string }> = {
  "zh-CN": {
    title: "此版本的 Excel 无法运行填报加载项",
    body: `填报需要 Excel JavaScript API ${REQUIRED_SET}：Microsoft 365、Office 2021 及以后版本、Excel 网页版或 Mac 版 Excel 都具备；Office 2016 和 2019 已停止支持，不具备此功能。请改用网页填报页面，或下载空白 .xlsx 模板，在 Excel、WPS 中填好后上传。`,
  },
  "en-US": {
    title: "This Excel cannot run the Tianbao add-in",
    body: `Tianbao needs the Excel JavaScript API ${REQUIRED_SET}: Microsoft 365, Office 2021 and later, Excel on the web and Excel for Mac have it; Office 2016 and 2019 have reached end of support and lack it. Use the web page instead, or download the blank .xlsx template, fill it in Excel or WPS and upload it.`,
  },
};

/** Shown instead of the pane when the running Excel lacks the requirement set the add-in needs. */
export function RequirementNotice({ locale }: { locale: Locale }): ReactElement {
  const t = TEXT[locale];
  return (
    <main style={{ padding: 12 }}>
      <Title3 as="h1">填报</Title3>
      <MessageBar intent="warning" layout="multiline" data-testid="requirement-notice">
        <MessageBarBody>
          <MessageBarTitle>{t.title}</MessageBarTitle>
          {t.body}
        </MessageBarBody>
      </MessageBar>
    </main>
  );
}
