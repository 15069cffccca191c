import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Link, matchPath, RouterProvider, useRouter } from './router';
import { applySearchUpdate } from './search-params';

afterEach(cleanup);

describe('matchPath', () => {
  it.each([
    ['/jobs/:id', '/jobs/42', { id: '42' }],
    ['/jobs/:id', '/jobs/42/', { id: '42' }],
    ['/jobs/:job/tasks/:task/logs', '/jobs/7/tasks/9/logs', { job: '7', task: '9' }],
    ['/jobtypes/:name', '/jobtypes/Fake%20Render', { name: 'Fake Render' }],
    ['/jobs/:id', '/jobs', undefined],
    ['/jobs/:id', '/agents/42', undefined],
    ['/jobs/:id', '/jobs/%E0%A4%A', undefined],
  ])('%s ~ %s', (pattern, path, expected) => {
    expect(matchPath(pattern, path)).toEqual(expected);
  });
});

describe('applySearchUpdate', () => {
  it('sets, repeats and removes parameters', () => {
    expect(applySearchUpdate('?page=3&title=x', { page: null })).toBe('?title=x');
    expect(applySearchUpdate('', { state: ['queued', 'failed'], hidden: false })).toBe(
      '?state=queued&state=failed',
    );
    expect(applySearchUpdate('?state=done', { state: [] })).toBe('');
    expect(applySearchUpdate('?a=1', { b: 2, c: true })).toBe('?a=1&b=2&c=true');
  });
});

function Where() {
  const { location } = useRouter();
  return <output>{location.pathname + location.search}</output>;
}

describe('Link', () => {
  it('navigates inside the app without reloading, and back with the history', () => {
    window.history.replaceState(null, '', '/jobs');
    render(
      <RouterProvider>
        <Link to="/agents?state=online">Agents</Link>
        <Where />
      </RouterProvider>,
    );
    fireEvent.click(screen.getByText('Agents'));
    expect(screen.getByRole('status').textContent).toBe('/agents?state=online');
    expect(window.location.pathname).toBe('/agents');
  });
});
