import {
  Badge,
  Button,
  Caption1,
  Spinner,
  Tab,
  TabList,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useRef, useState, type ReactElement } from "react";
import { formatVersion } from "../../core/format";
import type { Locale } from "../../core/i18n";
import type { StatusEntry } from "../../core/schema/api";
import {
  boardCounts,
  filterBoard,
  sortBoard,
  type BoardFilter,
  type BoardSort,
  type SortDirection,
} from "./board";
import { shortTime, type ReviewStrings } from "./reviewStrings";
import { StateBadge } from "./StateBadge";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  scroll: { overflowX: "auto", maxWidth: "100%" },
  table: { borderCollapse: "collapse", width: "100%", fontSize: tokens.fontSizeBase200 },
  cell: {
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "4px",
    textAlign: "left",
    verticalAlign: "top",
  },
  nowrap: { whiteSpace: "nowrap" },
  reason: { overflowWrap: "anywhere", minWidth: "6em" },
  actions: { display: "flex", flexWrap: "wrap", gap: "4px" },
  tabs: { flexWrap: "wrap" },
});

const FILTERS: BoardFilter[] = ["all", "submitted", "returned", "accepted", "missing", "late"];

/**
 * The status board with review states: counts, a filter by state, columns that sort (by
 * keyboard too), the reason of each return and, per row, 通过 / 退回 (and 查看 where given).
 */
export function ReviewBoard(props: {
  entries: readonly StatusEntry[];
  r: ReviewStrings;
  locale: Locale;
  /** The row whose review is being sent: its buttons wait. */
  busyUnit: string | null;
  onAccept: (e: StatusEntry) => void;
  onReturn: (e: StatusEntry) => void;
  onOpen?: (e: StatusEntry) => void;
  /** Opens the 说明 of a unit's latest version; without it the board only marks them. */
  onExplanations?: (e: StatusEntry) => void;
  testId: string;
}): ReactElement {
  const { r } = props;
  const s = useStyles();
  const [filter, setFilter] = useState<BoardFilter>("all");
  const [sort, setSort] = useState<{ key: BoardSort; dir: SortDirection }>({
    key: "state",
    dir: "asc",
  });
  // Focus after 通过 / 退回: the button pressed is disabled while the review is sent and then
  // disappears with the row's new state, which drops focus to the page's start. Until the row
  // shows its new state, focus that has fallen to <body> is put back where it was: on the
  // button if it is still there (a cancelled dialog), else on the unit's row. Once a 通过 shows,
  // the accepted row moves down the board (or out of the 待审核 filter): focus goes on to the
  // unit that was below it, on its 通过 when it has one, so the next review is one key away.
  const acted = useRef<{
    unit: string;
    state: string;
    button: HTMLElement;
    next: string | null;
  } | null>(null);
  const tbody = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const a = acted.current;
    if (!a || props.busyUnit !== null) return;
    const rowOf = (unit: string): HTMLElement | null =>
      tbody.current?.querySelector<HTMLElement>(`tr[data-unit="${CSS.escape(unit)}"]`) ?? null;
    const entry = props.entries.find((e) => e.unit === a.unit);
    const row = rowOf(a.unit);
    const active = document.activeElement;
    const lost = !active || active === document.body;
    if (entry && entry.state !== a.state && a.next) {
      acted.current = null;
      if (!lost && !tbody.current?.contains(active)) return;
      const next = rowOf(a.next);
      const target =
        next?.querySelector<HTMLElement>('[data-testid="review-accept"]:not([disabled])') ??
        next ??
        row;
      target?.focus();
      return;
    }
    if (!entry || !row) {
      acted.current = null;
      // The row left the filter shown: the board keeps the focus rather than the page's start.
      if (entry && lost) tbody.current?.closest<HTMLElement>('[role="region"]')?.focus();
      return;
    }
    if (lost) {
      const button = a.button;
      if (button.isConnected && !(button as HTMLButtonElement).disabled) button.focus();
      else row.focus();
    }
    if (entry.state !== a.state) acted.current = null;
  });
  const act = (
    e: StatusEntry,
    button: HTMLElement,
    then: (e: StatusEntry) => void,
    accepting = false
  ): void => {
    // The next unit waiting for review below in the order shown now, else above: where the work
    // goes on. With none left, focus stays on the accepted unit's row.
    const at = rows.findIndex((x) => x.unit === e.unit);
    const waiting = (x: StatusEntry): boolean => x.state === "submitted" && x.unit !== e.unit;
    const next = accepting
      ? (rows.slice(at + 1).find(waiting) ?? rows.slice(0, Math.max(at, 0)).reverse().find(waiting))
      : undefined;
    acted.current = { unit: e.unit, state: e.state, button, next: next?.unit ?? null };
    then(e);
  };
  const counts = boardCounts(props.entries);
  const rows = sortBoard(filterBoard(props.entries, filter), sort.key, sort.dir);
  const header = (key: BoardSort, label: string): ReactElement => {
    const active = sort.key === key;
    return (
      <th
        className={`${s.cell} ${s.nowrap}`}
        aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}
      >
        <Button
          appearance="transparent"
          size="small"
          onClick={() => setSort({ key, dir: active && sort.dir === "asc" ? "desc" : "asc" })}
          data-testid={`sort-${key}`}
        >
          {label}
          {active ? (sort.dir === "asc" ? " ↑" : " ↓") : ""}
        </Button>
      </th>
    );
  };
  return (
    <div className={s.box}>
      <Caption1 block data-testid="board-counts">
        {r.counts(counts)}
      </Caption1>
      <TabList
        size="small"
        aria-label={r.filterLabel}
        className={s.tabs}
        selectedValue={filter}
        onTabSelect={(_e, d) => setFilter(d.value as BoardFilter)}
        data-testid="board-filter"
      >
        {FILTERS.map((f) => (
          <Tab key={f} value={f} data-testid={`filter-${f}`}>
            {r.filters[f]}
          </Tab>
        ))}
      </TabList>
      {/* Scrolls sideways on a phone: focusable, so a keyboard can scroll it too. */}
      <div className={s.scroll} role="region" aria-label={r.boardRegion} tabIndex={0}>
        <table className={s.table} data-testid={props.testId}>
          <thead>
            <tr>
              {header("unit", r.unitColumn)}
              {header("state", r.stateColumn)}
              {header("receivedAt", r.receivedColumn)}
              <th className={s.cell}>{r.actionsColumn}</th>
            </tr>
          </thead>
          <tbody ref={tbody}>
            {rows.map((e) => {
              const busy = props.busyUnit === e.unit;
              return (
                // data-status keeps the on-time status the older suites read, beside the review state.
                <tr
                  key={e.unit}
                  tabIndex={-1}
                  data-unit={e.unit}
                  data-state={e.state}
                  data-status={e.status}
                >
                  <td className={s.cell}>{e.name}</td>
                  <td className={s.cell}>
                    <StateBadge state={e.state} late={e.late} lateLabel={r.late} r={r} />
                    {e.state === "returned" && e.reason && (
                      <div className={s.reason} data-testid="row-reason">
                        {r.returnedReason(e.reason)}
                      </div>
                    )}
                  </td>
                  <td className={`${s.cell} ${s.nowrap}`}>
                    {e.version ? formatVersion(e.version, props.locale) : "—"}
                    {e.receivedAt ? <br /> : null}
                    {e.receivedAt ? shortTime(e.receivedAt, props.locale) : ""}
                    {e.explained > 0 &&
                      (props.onExplanations ? (
                        <div>
                          <Button
                            size="small"
                            appearance="subtle"
                            title={r.explainedTitle(e.explained)}
                            onClick={() => props.onExplanations!(e)}
                            data-testid="board-explained"
                          >
                            {r.explained(e.explained)}
                          </Button>
                        </div>
                      ) : (
                        <div>
                          <Badge
                            appearance="outline"
                            color="informative"
                            title={r.explainedTitle(e.explained)}
                            data-testid="pane-explained"
                          >
                            {r.explained(e.explained)}
                          </Badge>
                        </div>
                      ))}
                  </td>
                  <td className={s.cell}>
                    {e.state !== "missing" && (
                      <div className={s.actions}>
                        {props.onOpen && (
                          <Button
                            size="small"
                            onClick={() => props.onOpen!(e)}
                            data-testid="open-submission"
                          >
                            {r.open}
                          </Button>
                        )}
                        {e.state === "submitted" && (
                          <Button
                            size="small"
                            appearance="primary"
                            disabled={props.busyUnit !== null}
                            icon={busy ? <Spinner size="extra-tiny" /> : undefined}
                            onClick={(ev) => act(e, ev.currentTarget, props.onAccept, true)}
                            data-testid="review-accept"
                          >
                            {r.accept}
                          </Button>
                        )}
                        {e.state !== "returned" && (
                          <Button
                            size="small"
                            disabled={props.busyUnit !== null}
                            onClick={(ev) => act(e, ev.currentTarget, props.onReturn)}
                            data-testid="review-return"
                          >
                            {r.return}
                          </Button>
                        )}
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && <Caption1>{r.noneInFilter}</Caption1>}
      </div>
    </div>
  );
}
