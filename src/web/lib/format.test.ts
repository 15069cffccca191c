import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatFrame,
  formatLocalTime,
  formatMegabytes,
  formatRelative,
  secondsBetween,
} from './format';

describe('format', () => {
  it('writes times in the local zone as YYYY-MM-DD HH:mm:ss', () => {
    const iso = '2026-03-04T05:06:07.000Z';
    const d = new Date(iso);
    const expected = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:07`;
    expect(formatLocalTime(iso)).toBe(expected);
    expect(formatLocalTime(null)).toBe('—');
    expect(formatLocalTime('not a time')).toBe('not a time');
  });

  it('writes relative times', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-01-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatRelative('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatRelative('2025-12-30T12:00:00Z', now)).toBe('2 d ago');
    expect(formatRelative('2026-01-01T13:00:00Z', now)).toBe('in 1 h');
  });

  it('writes durations, sizes and frames', () => {
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(null)).toBe('—');
    expect(secondsBetween('2026-01-01T00:00:00Z', '2026-01-01T00:01:30Z')).toBe(90);
    expect(formatMegabytes(512)).toBe('512 MB');
    expect(formatMegabytes(16000)).toBe('15.6 GB');
    expect(formatFrame(12)).toBe('12');
    expect(formatFrame(12.5)).toBe('12.5');
  });
});
