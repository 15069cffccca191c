/**
 * A task log: only the rows in view are rendered (a render log can have millions of lines), the view
 * follows new lines while scrolled to the bottom, and a search box highlights matches and steps through
 * them (Enter / Shift+Enter), optionally hiding the other lines. Lines can be limited to a stream.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ResponseOf } from '../api/client.gen';
import { formatLocalTime } from '../lib/format';

type StreamMessage = ResponseOf<'/api/v1/task_logs/{identifier}/stream', 'get'>;
export type LogLine = Extract<StreamMessage, { type: 'lines' }>['lines'][number];

export const ROW_HEIGHT = 19;
const OVERSCAN = 30;

type StreamFilter = 'all' | 'stdout' | 'stderr' | 'agent';

function streamMatches(filter: StreamFilter, stream: string): boolean {
  if (filter === 'all') return true;
  if (filter === 'agent') return stream === 'internal' || stream === 'jobtype';
  return stream === filter;
}

function highlight(text: string, query: string): ReactNode {
  if (!query) return text;
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const parts: ReactNode[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0; i = lower.indexOf(q, i + q.length)) {
    if (i > at) parts.push(text.slice(at, i));
    parts.push(<mark key={i}>{text.slice(i, i + q.length)}</mark>);
    at = i + q.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

export function LogViewer({ lines, status }: { lines: readonly LogLine[]; status?: ReactNode }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [streamFilter, setStreamFilter] = useState<StreamFilter>('all');
  const [current, setCurrent] = useState(0);

  const q = query.trim().toLowerCase();
  const byStream = useMemo(
    () => (streamFilter === 'all' ? lines : lines.filter((l) => streamMatches(streamFilter, l.stream))),
    [lines, streamFilter],
  );
  const matches = useMemo(() => {
    if (!q) return [] as number[];
    const found: number[] = [];
    byStream.forEach((l, i) => {
      if (l.message.toLowerCase().includes(q)) found.push(i);
    });
    return found;
  }, [byStream, q]);
  const shown = useMemo(
    () => (onlyMatches && q ? matches.map((i) => byStream[i]!) : byStream),
    [onlyMatches, q, matches, byStream],
  );
  const matchSet = useMemo(() => new Set(matches), [matches]);
  const currentLine = matches[current];

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport((v) => ({ ...v, height: el.clientHeight })));
    observer.observe(el);
    setViewport({ top: el.scrollTop, height: el.clientHeight || 600 });
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [shown.length, follow]);

  useEffect(() => setCurrent(0), [q, streamFilter]);

  const scrollToMatch = (index: number) => {
    if (matches.length === 0) return;
    const wrapped = (index + matches.length) % matches.length;
    setCurrent(wrapped);
    setFollow(false);
    const row = onlyMatches ? wrapped : matches[wrapped]!;
    const el = scroller.current;
    if (el) el.scrollTop = Math.max(0, row * ROW_HEIGHT - el.clientHeight / 2);
  };

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const visible = shown.slice(first, last);

  return (
    <div className="log-view card">
      <div className="toolbar">
        <input
          className="input input-search"
          type="search"
          placeholder="Search the log"
          aria-label="Search the log"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              scrollToMatch(current + (e.shiftKey ? -1 : 1) - (matches[current] === undefined ? 1 : 0));
            }
          }}
        />
        <span className="muted" aria-live="polite">
          {q ? (matches.length ? `${current + 1} of ${matches.length.toLocaleString()}` : 'no match') : ''}
        </span>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => scrollToMatch(current - 1)}
          disabled={!matches.length}
          aria-label="Previous match"
        >
          ↑
        </button>
        <button
          type="button"
          className="btn btn-sm"
          onClick={() => scrollToMatch(current + 1)}
          disabled={!matches.length}
          aria-label="Next match"
        >
          ↓
        </button>
        <label className="checkbox">
          <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} />
          Only matching lines
        </label>
        <select
          className="select"
          aria-label="Streams"
          value={streamFilter}
          onChange={(e) => setStreamFilter(e.target.value as StreamFilter)}
        >
          <option value="all">All streams</option>
          <option value="stdout">stdout</option>
          <option value="stderr">stderr</option>
          <option value="agent">Agent and job type</option>
        </select>
        <span className="spacer" />
        <div className="log-status">
          {status}
          <span>{lines.length.toLocaleString()} lines</span>
          <label className="checkbox">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
            Follow
          </label>
        </div>
      </div>
      <div
        className="log-lines"
        ref={scroller}
        tabIndex={0}
        role="log"
        aria-label="Log lines"
        onScroll={(e) => {
          const el = e.currentTarget;
          setViewport({ top: el.scrollTop, height: el.clientHeight });
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW_HEIGHT * 2;
          if (!atBottom && follow) setFollow(false);
          else if (atBottom && !follow) setFollow(true);
        }}
      >
        <div style={{ height: shown.length * ROW_HEIGHT, position: 'relative' }}>
          <div style={{ position: 'absolute', top: first * ROW_HEIGHT, left: 0, right: 0 }}>
            {visible.map((line, i) => {
              const index = onlyMatches && q ? matches[first + i]! : first + i;
              const isMatch = q !== '' && matchSet.has(index);
              return (
                <div
                  key={`${line.line}-${first + i}`}
                  className={`log-line ${line.stream}${isMatch ? ' match' : ''}${index === currentLine && q ? ' current' : ''}`}
                  data-line={line.line}
                >
                  <span className="ln">{line.line}</span>
                  <span className="time" title={line.time}>
                    {line.time ? formatLocalTime(line.time).slice(11) : ''}
                  </span>
                  <span className="stream">{line.stream}</span>
                  <span className="msg">
                    {isMatch ? highlight(line.message, query.trim()) : line.message}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
