import { en } from "zod/locales";
import { config } from "zod/mini";

/**
 * The schemas are written with `zod/mini` (functions instead of methods), so the task pane and
 * the web page carry only the validators they use; the server and its OpenAPI document read them
 * the same way through zod's core. zod/mini ships without messages: the English ones the full zod
 * installs are installed here, so an issue reads the same wherever a schema runs (pane, server,
 * CLI). Every module that declares schemas imports this one.
 *
 * Each module imports `* as z from "zod/mini"` itself: re-exported from here as one namespace,
 * webpack keeps the whole of zod (all its locales included, 200 kB).
 */
config(en());
