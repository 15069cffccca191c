/** Statistics series for the plots (`/api/v1/statistics/...`). */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, type QueryOf } from '../../../api/client.gen';

export type TaskEventsParams = QueryOf<'/api/v1/statistics/task_events', 'get'>;

export const agentCountsQuery = (daysBack: number, minutes: number) =>
  queryOptions({
    queryKey: ['statistics', 'agent_counts', daysBack, minutes],
    queryFn: ({ signal }) =>
      api.get('/api/v1/statistics/agent_counts', {
        query: { days_back: daysBack, minutes_resolution: minutes },
        signal,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });

export const taskEventsQuery = (query: TaskEventsParams) =>
  queryOptions({
    queryKey: ['statistics', 'task_events', query],
    queryFn: ({ signal }) => api.get('/api/v1/statistics/task_events', { query, signal }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });

export const queuesQuery = queryOptions({
  queryKey: ['queues', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/jobqueues/', { signal }),
  staleTime: 60_000,
});
