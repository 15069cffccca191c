import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Menu } from './menu';

afterEach(cleanup);

describe('Menu', () => {
  it('opens from the keyboard, moves with the arrows, selects and closes with Escape', () => {
    const pause = vi.fn();
    const remove = vi.fn();
    render(
      <Menu
        label="Actions"
        items={[
          { label: 'Pause', onSelect: pause },
          { label: 'Skip', onSelect: vi.fn(), disabled: true },
          { label: 'Delete', onSelect: remove, danger: true },
        ]}
      />,
    );
    const button = screen.getByRole('button', { name: /Actions/ });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.textContent).toBe('Pause');
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Delete');
    fireEvent.click(document.activeElement!);
    expect(remove).toHaveBeenCalledOnce();
    expect(screen.queryByRole('menu')).toBeNull();
    fireEvent.click(button);
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(pause).not.toHaveBeenCalled();
  });
});
