import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import { describeFailure } from "../../client/failure";
import type { Locale } from "../../core/i18n";
import { connect, paneServerUrl, saveConnection, type Connection } from "../connection";
import type { Strings } from "../strings";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  row: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS, flexWrap: "wrap" },
  button: { alignSelf: "flex-start", minWidth: "96px" },
});

/** The server address and token; a signed-in pane shows the unit and a sign-out. */
export function SignIn(props: {
  t: Strings;
  locale: Locale;
  connection: Connection | null;
  onChange: (c: Connection | null) => void;
}): ReactElement {
  const { t } = props;
  const s = useStyles();
  // Fixed: the pane may reach only the server it came from (its CSP says connect-src 'self').
  const serverUrl = paneServerUrl();
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (props.connection) {
    const { me } = props.connection;
    return (
      <div className={s.row}>
        <Text data-testid="signed-in">
          {t.signedInAs(me.unit?.name ?? me.unit?.code ?? "", t.roles[me.role])}
        </Text>
        <Button
          size="small"
          onClick={() => {
            saveConnection(null);
            props.onChange(null);
          }}
        >
          {t.signOut}
        </Button>
      </div>
    );
  }

  return (
    <form
      className={s.form}
      aria-label={t.signInSection}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const stored = { serverUrl: serverUrl.trim(), token: token.trim() };
        connect(stored).then(
          (c) => {
            saveConnection(stored);
            setBusy(false);
            props.onChange(c);
          },
          (err: unknown) => {
            setBusy(false);
            setError(describeFailure(err, props.locale));
          }
        );
      }}
    >
      <Field label={t.serverUrl} hint={t.serverUrlHint}>
        <Input value={serverUrl} readOnly type="url" data-testid="server-url" />
      </Field>
      <Field label={t.token} hint={t.tokenHint}>
        <Input
          value={token}
          onChange={(_e, d) => setToken(d.value)}
          type="password"
          autoComplete="off"
          data-testid="token"
        />
      </Field>
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            {t.signInFailed}：{error}
          </MessageBarBody>
        </MessageBar>
      )}
      <Button
        className={s.button}
        type="submit"
        appearance="primary"
        disabled={busy || !token.trim() || !serverUrl.trim()}
        aria-busy={busy}
        icon={busy ? <Spinner size="tiny" /> : undefined}
        data-testid="sign-in"
      >
        {t.signIn}
      </Button>
    </form>
  );
}
