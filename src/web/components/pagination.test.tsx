import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Pagination } from './pagination';

afterEach(cleanup);

describe('Pagination', () => {
  it('says which rows are shown and moves between pages within bounds', () => {
    const onPage = vi.fn();
    render(<Pagination page={2} perPage={100} total={12345} onPage={onPage} onPerPage={vi.fn()} />);
    expect(screen.getByText('101–200 of 12,345')).toBeTruthy();
    expect(screen.getByText('Page 2 of 124')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(onPage).toHaveBeenLastCalledWith(3);
    fireEvent.click(screen.getByRole('button', { name: 'Last page' }));
    expect(onPage).toHaveBeenLastCalledWith(124);
    fireEvent.click(screen.getByRole('button', { name: 'First page' }));
    expect(onPage).toHaveBeenLastCalledWith(1);
  });

  it('disables the way back on the first page and forward on the last', () => {
    render(<Pagination page={1} perPage={25} total={20} onPage={vi.fn()} onPerPage={vi.fn()} />);
    expect(screen.getByText('1–20 of 20')).toBeTruthy();
    for (const name of ['First page', 'Previous page', 'Next page', 'Last page']) {
      expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled, name).toBe(true);
    }
  });

  it('changes the page size', () => {
    const onPerPage = vi.fn();
    render(<Pagination page={1} perPage={100} total={0} onPage={vi.fn()} onPerPage={onPerPage} />);
    expect(screen.getByText('0–0 of 0')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Per page'), { target: { value: '250' } });
    expect(onPerPage).toHaveBeenCalledWith(250);
  });
});
