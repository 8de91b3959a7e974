import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Text,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Me } from "../core/schema/api";

const useStyles = makeStyles({
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    justifyContent: "space-between",
    gap: tokens.spacingHorizontalM,
    paddingBottom: tokens.spacingVerticalM,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  name: { display: "flex", flexDirection: "column", minWidth: 0 },
  who: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: tokens.spacingHorizontalS },
  steps: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
});

export const SYSTEM_NAME = "群众身边腐败和作风问题专项整治统计报表";

/** Who is signed in and where to get help, on every page. */
export function PageHeader(props: { me: Me | null; onSignOut: () => void }): ReactElement {
  const s = useStyles();
  const unit = props.me?.unit;
  return (
    <header className={s.header}>
      <div className={s.name}>
        <Title3 as="h1">填报</Title3>
        <Caption1>{SYSTEM_NAME} · 网页版</Caption1>
      </div>
      <div className={s.who}>
        {unit && (
          <Text data-testid="web-signed-in">
            {unit.name}（{props.me?.role === "collector" ? "汇总" : "填报"}）
          </Text>
        )}
        <Dialog>
          <DialogTrigger disableButtonEnhancement>
            <Button size="small" appearance="subtle" data-testid="web-help">
              帮助
            </Button>
          </DialogTrigger>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>使用说明</DialogTitle>
              <DialogContent>
                <ol className={s.steps}>
                  <li>选择统计表和月份（默认上个月），下载空白表（.xlsx）。</li>
                  <li>在 WPS、Excel 或 LibreOffice 中填写，不要改动表头和行列。</li>
                  <li>上传填好的表：页面列出有问题的单元格，并显示读到的合计数。</li>
                  <li>核对无误后点击“报送”；报送成功会显示版本号和时间。</li>
                </ol>
                <p>令牌、单位或报表的问题，请联系发放令牌的县卫生健康局（统计报表联系人）。</p>
              </DialogContent>
              <DialogActions>
                <DialogTrigger disableButtonEnhancement>
                  <Button appearance="primary">知道了</Button>
                </DialogTrigger>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
        {unit && (
          <Button size="small" onClick={props.onSignOut}>
            退出登录
          </Button>
        )}
      </div>
    </header>
  );
}
