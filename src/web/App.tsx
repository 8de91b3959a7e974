import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState, type ReactElement } from "react";
import { ApiClient, describeFailure } from "../client/api";
import type { Me } from "../core/schema/api";
import { CollectorPage } from "./CollectorPage";
import { ReporterPage } from "./ReporterPage";

const useStyles = makeStyles({
  root: {
    maxWidth: "1200px",
    margin: "0 auto",
    padding: tokens.spacingHorizontalL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXL,
    boxSizing: "border-box",
  },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalM,
  },
  form: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    maxWidth: "420px",
  },
});

const KEY = "tianbao.web.token";

/** The server's own pages: sign in with a token, then the reporter's and the collector's views. */
export function App(): ReactElement {
  const s = useStyles();
  const [token, setToken] = useState<string | null>(() => localStorage.getItem(KEY));
  const [typed, setTyped] = useState("");
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const client = token ? new ApiClient(window.location.origin, token) : null;

  useEffect(() => {
    if (!token) return;
    setChecking(true);
    new ApiClient(window.location.origin, token)
      .me()
      .then((m) => {
        setMe(m);
        setError(null);
      })
      .catch((e: unknown) => {
        setError(describeFailure(e, "zh-CN"));
        localStorage.removeItem(KEY);
        setToken(null);
      })
      .finally(() => setChecking(false));
  }, [token]);

  return (
    <main className={s.root}>
      <header className={s.header}>
        <Title3 as="h1">填报</Title3>
        {me?.unit && (
          <>
            <Text data-testid="web-signed-in">
              {me.unit.name}（{me.role === "collector" ? "汇总" : "填报"}）
            </Text>
            <Button
              size="small"
              onClick={() => {
                localStorage.removeItem(KEY);
                setToken(null);
                setMe(null);
              }}
            >
              退出登录
            </Button>
          </>
        )}
      </header>
      {checking && <Spinner label="正在登录…" />}
      {!token && (
        <form
          className={s.form}
          onSubmit={(e) => {
            e.preventDefault();
            if (!typed.trim()) return;
            localStorage.setItem(KEY, typed.trim());
            setToken(typed.trim());
          }}
        >
          <Field label="令牌" hint="由县卫生健康局发放，只保存在本浏览器中">
            <Input
              type="password"
              value={typed}
              onChange={(_e, d) => setTyped(d.value)}
              data-testid="web-token"
            />
          </Field>
          {error && (
            <MessageBar intent="error">
              <MessageBarBody>{error}</MessageBarBody>
            </MessageBar>
          )}
          <Button appearance="primary" type="submit" data-testid="web-sign-in">
            登录
          </Button>
        </form>
      )}
      {client && me?.unit && me.role === "admin" && (
        <MessageBar intent="warning">
          <MessageBarBody>管理令牌只用于登记单位和发放令牌，不能查看报表。</MessageBarBody>
        </MessageBar>
      )}
      {client && me?.unit && me.role !== "admin" && <ReporterPage client={client} me={me} />}
      {client && me?.unit && me.role === "collector" && <CollectorPage client={client} me={me} />}
    </main>
  );
}
