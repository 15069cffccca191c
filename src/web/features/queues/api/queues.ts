/** Job queues over `/api/v1/jobqueues/...`, and the jobs shown in the queue tree. */
import { queryOptions } from '@tanstack/react-query';
import { api, requestWithHeaders, type BodyOf, type ResponseOf } from '../../../api/client.gen';

export type Queue = ResponseOf<'/api/v1/jobqueues/', 'get'>[number];
export type NewQueue = BodyOf<'/api/v1/jobqueues/', 'post'>;
export type QueueChange = BodyOf<'/api/v1/jobqueues/{queue}', 'post'>;
export type QueueJob = ResponseOf<'/api/v1/jobs/', 'get'>[number];
export type JobStateName = NonNullable<QueueJob['state']>;

export const queuesQuery = queryOptions({
  queryKey: ['queues', 'all'],
  queryFn: ({ signal }) => api.get('/api/v1/jobqueues/', { signal }),
});

/** Jobs in the given states with their task counts, to place in the tree (at most 1,000). */
export const queueJobsQuery = (states: readonly JobStateName[]) =>
  queryOptions({
    queryKey: ['jobs', 'in-queues', states],
    queryFn: async ({ signal }) => {
      const { data, headers } = await requestWithHeaders('get', '/api/v1/jobs/', {
        query: {
          state: [...states],
          task_counts: true,
          page: 1,
          per_page: 1000,
          order_by: 'priority',
          order_dir: 'desc',
        },
        signal,
      });
      return { jobs: data, total: Number(headers.get('x-total-count') ?? data.length) };
    },
  });

export const createQueue = (body: NewQueue) => api.post('/api/v1/jobqueues/', { body });
export const changeQueue = (id: number, body: QueueChange) =>
  api.post('/api/v1/jobqueues/{queue}', { path: { queue: String(id) }, body });
export const deleteQueue = (id: number) =>
  api.delete('/api/v1/jobqueues/{queue}', { path: { queue: String(id) } });
export const moveJob = (job: number, jobqueue: string | null) =>
  api.post('/api/v1/jobs/{job}', { path: { job: String(job) }, body: { jobqueue } });
/** Every job directly in the queue, hidden ones included. */
export const jobsInQueue = (path: string) => api.get('/api/v1/jobs/', { query: { jobqueue: path } });
