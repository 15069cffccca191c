import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { LogViewer, type LogLine } from './log-viewer';

const line = (n: number, message: string, stream = 'stdout'): LogLine => ({
  time: '2026-01-01T12:00:00.000Z',
  pid: 1,
  stream,
  line: n,
  message,
});

beforeAll(() => {
  // happy-dom has no layout; give the scroller a height so rows are rendered.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 400 });
});
afterEach(cleanup);

function shownMessages(): string[] {
  return [...document.querySelectorAll('.log-line .msg')].map((e) => e.textContent ?? '');
}

describe('LogViewer', () => {
  const lines = [
    line(1, 'Fra:1 rendering'),
    line(2, 'ERROR: missing texture', 'stderr'),
    line(3, 'agent: task done', 'internal'),
    line(4, 'Fra:2 rendering'),
  ];

  it('renders only the rows in view of a long log', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => line(i + 1, `line ${i + 1}`));
    render(<LogViewer lines={many} />);
    const rendered = document.querySelectorAll('.log-line').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    expect(screen.getByText('100,000 lines')).toBeTruthy();
  });

  it('counts and highlights matches, and can hide the other lines', () => {
    render(<LogViewer lines={lines} />);
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'fra:' } });
    expect(screen.getByText('1 of 2')).toBeTruthy();
    expect(document.querySelectorAll('.log-line.match')).toHaveLength(2);
    expect([...document.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['Fra:', 'Fra:']);
    fireEvent.keyDown(screen.getByLabelText('Search the log'), { key: 'Enter' });
    expect(screen.getByText('2 of 2')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Only matching lines'));
    expect(shownMessages()).toEqual(['Fra:1 rendering', 'Fra:2 rendering']);
  });

  it('limits the lines to a stream', () => {
    render(<LogViewer lines={lines} />);
    fireEvent.change(screen.getByLabelText('Streams'), { target: { value: 'stderr' } });
    expect(shownMessages()).toEqual(['ERROR: missing texture']);
    fireEvent.change(screen.getByLabelText('Streams'), { target: { value: 'agent' } });
    expect(shownMessages()).toEqual(['agent: task done']);
  });

  it('says when nothing matches', () => {
    render(<LogViewer lines={lines} />);
    fireEvent.change(screen.getByLabelText('Search the log'), { target: { value: 'segfault' } });
    expect(screen.getByText('no match')).toBeTruthy();
  });
});
