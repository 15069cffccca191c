import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { DataTable, nextSort, type Column, type Sort } from './data-table';

interface Row {
  id: number;
  name: string;
}
const rows: Row[] = [1, 2, 3, 4, 5].map((id) => ({ id, name: `job ${id}` }));
const columns: Column<Row>[] = [
  { key: 'name', header: 'Name', sortKey: 'name', render: (r) => r.name },
  { key: 'id', header: 'Id', sortKey: 'id', firstDir: 'desc', render: (r) => r.id },
  { key: 'plain', header: 'Plain', render: () => 'x' },
];

function Selectable({ onSelect }: { onSelect?: (s: Set<number>) => void }) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  return (
    <DataTable
      label="Jobs"
      columns={columns}
      rows={rows}
      rowKey={(r) => r.id}
      rowLabel={(r) => r.name}
      selected={selected}
      onSelect={(s) => {
        setSelected(s);
        onSelect?.(s);
      }}
    />
  );
}

afterEach(cleanup);

describe('nextSort', () => {
  it('toggles the direction of the current column and starts others at their first direction', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, { sortKey: 'name' })).toEqual({ key: 'name', dir: 'desc' });
    expect(nextSort({ key: 'name', dir: 'desc' }, { sortKey: 'name' })).toEqual({ key: 'name', dir: 'asc' });
    expect(nextSort({ key: 'name', dir: 'asc' }, { sortKey: 'id', firstDir: 'desc' })).toEqual({
      key: 'id',
      dir: 'desc',
    });
    expect(nextSort(undefined, { sortKey: 'id' })).toEqual({ key: 'id', dir: 'asc' });
  });
});

describe('DataTable', () => {
  it('marks the sorted column with aria-sort and asks for the next sort on click', () => {
    const onSort = vi.fn<(s: Sort) => void>();
    render(
      <DataTable
        label="Jobs"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        sort={{ key: 'name', dir: 'asc' }}
        onSort={onSort}
      />,
    );
    const name = screen.getByRole('columnheader', { name: /Name/ });
    expect(name.getAttribute('aria-sort')).toBe('ascending');
    expect(screen.getByRole('columnheader', { name: /Id/ }).getAttribute('aria-sort')).toBeNull();
    fireEvent.click(within(name).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ key: 'name', dir: 'desc' });
    fireEvent.click(within(screen.getByRole('columnheader', { name: /Id/ })).getByRole('button'));
    expect(onSort).toHaveBeenLastCalledWith({ key: 'id', dir: 'desc' });
    expect(within(screen.getByRole('columnheader', { name: 'Plain' })).queryByRole('button')).toBeNull();
  });

  it('selects rows, ranges with shift-click, and all rows of the page', () => {
    const onSelect = vi.fn<(s: Set<number>) => void>();
    render(<Selectable onSelect={onSelect} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select job 2' }));
    expect([...onSelect.mock.lastCall![0]]).toEqual([2]);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select job 4' }), { shiftKey: true });
    expect([...onSelect.mock.lastCall![0]].sort()).toEqual([2, 3, 4]);
    const all = screen.getByRole('checkbox', { name: 'Select all rows on this page' }) as HTMLInputElement;
    expect(all.indeterminate).toBe(true);
    fireEvent.click(all);
    expect([...onSelect.mock.lastCall![0]].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(screen.getAllByRole('row').filter((r) => r.getAttribute('aria-selected') === 'true')).toHaveLength(
      5,
    );
    fireEvent.click(all);
    expect(onSelect.mock.lastCall![0].size).toBe(0);
  });

  it('shows placeholders while loading, the error with a retry, and the empty state', () => {
    const { rerender, container } = render(
      <DataTable label="Jobs" columns={columns} rows={undefined} rowKey={(r) => r.id} skeletonRows={3} />,
    );
    expect(container.querySelectorAll('tbody tr.skeleton-row')).toHaveLength(3);
    const retry = vi.fn();
    rerender(
      <DataTable
        label="Jobs"
        columns={columns}
        rows={undefined}
        rowKey={(r) => r.id}
        error={new Error('the master is down')}
        onRetry={retry}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('the master is down');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalled();
    rerender(
      <DataTable label="Jobs" columns={columns} rows={[]} rowKey={(r) => r.id} empty={<p>No jobs yet</p>} />,
    );
    expect(screen.getByText('No jobs yet')).toBeTruthy();
  });
});
