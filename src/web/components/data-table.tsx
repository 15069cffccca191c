/**
 * The list table of every page: server-side sorting (the header says what it sorts by and reports
 * aria-sort), optional row selection with a select-all box and shift-click ranges, row actions, and
 * loading / error / empty states in place of the rows. It renders what it is given; paging and fetching
 * belong to the page.
 */
import { useRef, type ReactNode } from 'react';
import { EmptyState, ErrorState } from './feedback';

export type SortDir = 'asc' | 'desc';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** The server's sort field; the column is sortable when set. */
  sortKey?: string;
  /** First direction when this column becomes the sort column (default asc). */
  firstDir?: SortDir;
  /** Cell classes: num, wrap, hide-md, hide-sm... */
  className?: string;
  render(row: T): ReactNode;
}

export interface Sort {
  key: string;
  dir: SortDir;
}

export interface DataTableProps<T, K extends string | number> {
  label: string;
  columns: readonly Column<T>[];
  rows: readonly T[] | undefined;
  rowKey(row: T): K;
  /** How a row is called in the selection box's label, e.g. the job title. */
  rowLabel?(row: T): string;
  sort?: Sort;
  onSort?(sort: Sort): void;
  selected?: ReadonlySet<K>;
  onSelect?(next: Set<K>): void;
  rowActions?(row: T): ReactNode;
  loading?: boolean;
  error?: unknown;
  onRetry?(): void;
  empty?: ReactNode;
  /** Rows shown as placeholders while loading. */
  skeletonRows?: number;
}

export function nextSort(current: Sort | undefined, column: { sortKey: string; firstDir?: SortDir }): Sort {
  if (current?.key === column.sortKey)
    return { key: column.sortKey, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key: column.sortKey, dir: column.firstDir ?? 'asc' };
}

export function DataTable<T, K extends string | number>(props: DataTableProps<T, K>) {
  const { columns, rows, rowKey, sort, onSort, selected, onSelect, rowActions } = props;
  const anchor = useRef<K | undefined>(undefined);
  const selectable = selected !== undefined && onSelect !== undefined;
  const keys = rows?.map(rowKey) ?? [];
  const selectedHere = keys.filter((k) => selected?.has(k)).length;
  const colCount = columns.length + (selectable ? 1 : 0) + (rowActions ? 1 : 0);

  const toggleAll = () => {
    if (!onSelect || !selected) return;
    const next = new Set(selected);
    if (selectedHere === keys.length) for (const k of keys) next.delete(k);
    else for (const k of keys) next.add(k);
    onSelect(next);
  };

  const toggleRow = (key: K, shift: boolean) => {
    if (!onSelect || !selected) return;
    const next = new Set(selected);
    const on = !selected.has(key);
    const from = anchor.current === undefined ? -1 : keys.indexOf(anchor.current);
    const to = keys.indexOf(key);
    if (shift && from >= 0 && to >= 0) {
      const [a, b] = from < to ? [from, to] : [to, from];
      for (const k of keys.slice(a, b + 1)) {
        if (on) next.add(k);
        else next.delete(k);
      }
    } else if (on) next.add(key);
    else next.delete(key);
    anchor.current = key;
    onSelect(next);
  };

  let body: ReactNode;
  if (props.error !== undefined && props.error !== null && !rows) {
    body = (
      <tr>
        <td colSpan={colCount}>
          <ErrorState error={props.error} {...(props.onRetry ? { onRetry: props.onRetry } : {})} />
        </td>
      </tr>
    );
  } else if (!rows) {
    body = Array.from({ length: props.skeletonRows ?? 8 }, (_, i) => (
      <tr key={i} className="skeleton-row" aria-hidden="true">
        {Array.from({ length: colCount }, (_, j) => (
          <td key={j}>
            <span style={{ width: `${40 + ((i * 7 + j * 13) % 50)}%` }} />
          </td>
        ))}
      </tr>
    ));
  } else if (rows.length === 0) {
    body = (
      <tr>
        <td colSpan={colCount}>{props.empty ?? <EmptyState title="Nothing to show" />}</td>
      </tr>
    );
  } else {
    body = rows.map((row) => {
      const key = rowKey(row);
      const isSelected = selected?.has(key) ?? false;
      return (
        <tr key={key} aria-selected={selectable ? isSelected : undefined}>
          {selectable && (
            <td className="select-cell">
              <input
                type="checkbox"
                checked={isSelected}
                aria-label={`Select ${props.rowLabel?.(row) ?? String(key)}`}
                onClick={(e) => toggleRow(key, e.shiftKey)}
                onChange={() => undefined}
              />
            </td>
          )}
          {columns.map((c) => (
            <td key={c.key} className={c.className}>
              {c.render(row)}
            </td>
          ))}
          {rowActions && <td className="actions-cell">{rowActions(row)}</td>}
        </tr>
      );
    });
  }

  return (
    <div className="table-wrap">
      <table className="data" aria-label={props.label} aria-busy={props.loading ? true : undefined}>
        <thead>
          <tr>
            {selectable && (
              <th className="select-cell">
                <input
                  type="checkbox"
                  aria-label="Select all rows on this page"
                  checked={keys.length > 0 && selectedHere === keys.length}
                  ref={(el) => {
                    if (el) el.indeterminate = selectedHere > 0 && selectedHere < keys.length;
                  }}
                  onChange={toggleAll}
                  disabled={keys.length === 0}
                />
              </th>
            )}
            {columns.map((c) => {
              const active = c.sortKey !== undefined && sort?.key === c.sortKey;
              const ariaSort = active ? (sort!.dir === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.key} className={c.className} aria-sort={ariaSort} scope="col">
                  {c.sortKey && onSort ? (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        onSort(
                          nextSort(sort, {
                            sortKey: c.sortKey!,
                            ...(c.firstDir ? { firstDir: c.firstDir } : {}),
                          }),
                        )
                      }
                    >
                      {c.header}
                      <span className="sort-indicator" aria-hidden="true">
                        {active ? (sort!.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
            {rowActions && (
              <th className="actions-cell">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
}
