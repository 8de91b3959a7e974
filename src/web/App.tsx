import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { lazy, Suspense, useEffect, useMemo, useState, type ReactElement } from "react";
import { ApiClient } from "../client/api";
import { describeFailure, forgetsToken } from "../client/failure";
import type { Me } from "../core/schema/api";
import { PageHeader } from "./PageHeader";
import { ReporterPage } from "./ReporterPage";

// The collector's page (its table of units, the trend chart) is fetched only for a collector.
const CollectorPage = lazy(() =>
  import(/* webpackChunkName: "collector-page" */ "./CollectorPage").then((m) => ({
    default: m.CollectorPage,
  }))
);

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
  const [attempt, setAttempt] = useState(0);
  const client = useMemo(
    () => (token ? new ApiClient(window.location.origin, token) : null),
    [token]
  );

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
        // Only the server's 401 ends the sign-in: a network blip keeps the saved token.
        if (forgetsToken(e)) {
          localStorage.removeItem(KEY);
          setToken(null);
        }
      })
      .finally(() => setChecking(false));
  }, [token, attempt]);

  const signOut = (): void => {
    localStorage.removeItem(KEY);
    setToken(null);
    setMe(null);
    setError(null);
  };

  return (
    <main className={s.root}>
      <PageHeader me={me} onSignOut={signOut} />
      {token && !me && !checking && error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody data-testid="web-error">{error}令牌仍保存在本浏览器中。</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setAttempt((n) => n + 1)} data-testid="web-retry">
              重试
            </Button>
            <Button onClick={signOut}>换一个令牌</Button>
          </MessageBarActions>
        </MessageBar>
      )}
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
      {client && me?.unit && me.role === "collector" && (
        <Suspense fallback={<Spinner size="tiny" />}>
          <CollectorPage client={client} me={me} />
        </Suspense>
      )}
    </main>
  );
}
