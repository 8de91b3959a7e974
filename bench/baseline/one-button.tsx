import { Button, FluentProvider, webLightTheme } from "@fluentui/react-components";
import { createRoot } from "react-dom/client";

// The bundle baseline of docs/benchmarks.md: React and Fluent UI with one Button, built like the task pane.
createRoot(document.getElementById("root")!).render(
  <FluentProvider theme={webLightTheme}>
    <Button appearance="primary">填报</Button>
  </FluentProvider>
);
