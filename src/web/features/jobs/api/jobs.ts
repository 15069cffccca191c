/** Jobs and their tasks over `/api/v1/jobs/...`: lists, details, actions and edits. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, requestWithHeaders, type BodyOf, type QueryOf, type ResponseOf } from '../../../api/client.gen';

export type JobListQuery = QueryOf<'/api/v1/jobs/', 'get'>;
export type JobListItem = ResponseOf<'/api/v1/jobs/', 'get'>[number];
export type Job = ResponseOf<'/api/v1/jobs/{job}', 'get'>;
export type JobState = Job['state'];
export type Task = ResponseOf<'/api/v1/jobs/{job}/tasks/', 'get'>[number];
export type JobUpdate = BodyOf<'/api/v1/jobs/{job}', 'post'>;
export type JobSubmission = BodyOf<'/api/v1/jobs/', 'post'>;
export type NotifiedUser = ResponseOf<'/api/v1/jobs/{job}/notified_users/', 'get'>[number];
export type Thumbnail = ResponseOf<'/api/v1/jobs/{job}/thumbnails', 'get'>[number];

export const JOB_STATES = [
  'queued',
  'running',
  'paused',
  'done',
  'failed',
] as const satisfies readonly JobState[];

/** The list filters that are not the state (the state counts are taken with these). */
export type JobFilters = Omit<
  JobListQuery,
  'state' | 'page' | 'per_page' | 'order_by' | 'order_dir' | 'task_counts'
>;

export const jobsQuery = (query: JobListQuery) =>
  queryOptions({
    queryKey: ['jobs', 'list', query],
    queryFn: async ({ signal }) => {
      const { data, headers } = await requestWithHeaders('get', '/api/v1/jobs/', {
        query: { ...query, task_counts: true },
        signal,
      });
      return { jobs: data, total: Number(headers.get('x-total-count') ?? data.length) };
    },
    placeholderData: keepPreviousData,
  });

/** How many jobs match the filters in each state (one cheap paged count per state). */
export const jobStateCountsQuery = (filters: JobFilters) =>
  queryOptions({
    queryKey: ['jobs', 'counts', filters],
    queryFn: async ({ signal }) => {
      const counts = await Promise.all(
        JOB_STATES.map(async (state) => {
          const { headers } = await requestWithHeaders('get', '/api/v1/jobs/', {
            query: { ...filters, state: [state], page: 1, per_page: 1 },
            signal,
          });
          return [state, Number(headers.get('x-total-count') ?? 0)] as const;
        }),
      );
      return Object.fromEntries(counts) as Record<JobState, number>;
    },
    placeholderData: keepPreviousData,
  });

export const jobQuery = (job: string) =>
  queryOptions({
    queryKey: ['jobs', 'detail', job],
    queryFn: ({ signal }) => api.get('/api/v1/jobs/{job}', { path: { job }, signal }),
  });

/** Every task of a job (paged on the wire; one request per 5,000). */
export const jobTasksQuery = (job: string) =>
  queryOptions({
    queryKey: ['tasks', 'of-job', job],
    queryFn: async ({ signal }) => {
      const perPage = 5000;
      const all: Task[] = [];
      for (let page = 1; ; page++) {
        const batch = await api.get('/api/v1/jobs/{job}/tasks/', {
          path: { job },
          query: { page, per_page: perPage },
          signal,
        });
        all.push(...batch);
        if (batch.length < perPage) return all;
      }
    },
    placeholderData: keepPreviousData,
  });

export const thumbnailsQuery = (job: string) =>
  queryOptions({
    queryKey: ['jobs', 'thumbnails', job],
    queryFn: ({ signal }) => api.get('/api/v1/jobs/{job}/thumbnails', { path: { job }, signal }),
  });

export const notifiedUsersQuery = (job: string) =>
  queryOptions({
    queryKey: ['jobs', 'notified', job],
    queryFn: ({ signal }) => api.get('/api/v1/jobs/{job}/notified_users/', { path: { job }, signal }),
  });

/** Choices for filters and forms. */
export const jobTypeChoicesQuery = queryOptions({
  queryKey: ['jobtypes', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/jobtypes/', { signal }),
  staleTime: 60_000,
});
export const queueChoicesQuery = queryOptions({
  queryKey: ['queues', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/jobqueues/', { signal }),
  staleTime: 60_000,
});
export const userChoicesQuery = queryOptions({
  queryKey: ['users', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/users/', { signal }),
  staleTime: 60_000,
});
export const groupChoicesQuery = queryOptions({
  queryKey: ['jobgroups', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/jobgroups/', { signal }),
  staleTime: 60_000,
});
export const softwareChoicesQuery = queryOptions({
  queryKey: ['software', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/software/', { signal }),
  staleTime: 60_000,
});

export const agentNameQuery = (agentId: string) =>
  queryOptions({
    queryKey: ['agents', 'name', agentId],
    queryFn: async ({ signal }) => {
      const agent = await api.get('/api/v1/agents/{agent_id}', { path: { agent_id: agentId }, signal });
      return agent.hostname;
    },
    staleTime: 5 * 60_000,
  });

export type JobAction = 'rerun' | 'rerun_failed' | 'pause' | 'unpause';

export function runJobAction(job: string | number, action: JobAction) {
  const path = { job: String(job) };
  switch (action) {
    case 'rerun':
      return api.post('/api/v1/jobs/{job}/rerun', { path });
    case 'rerun_failed':
      return api.post('/api/v1/jobs/{job}/rerun_failed', { path });
    case 'pause':
      return api.post('/api/v1/jobs/{job}/pause', { path });
    case 'unpause':
      return api.post('/api/v1/jobs/{job}/unpause', { path });
  }
}

export const deleteJob = (job: string | number) =>
  api.delete('/api/v1/jobs/{job}', { path: { job: String(job) } });
export const getJob = (job: string | number) => api.get('/api/v1/jobs/{job}', { path: { job: String(job) } });
export const updateJob = (job: string | number, body: JobUpdate) =>
  api.post('/api/v1/jobs/{job}', { path: { job: String(job) }, body });
export const submitJob = (body: JobSubmission) => api.post('/api/v1/jobs/', { body });
export const rerunTask = (job: string | number, task: number) =>
  api.post('/api/v1/jobs/{job}/tasks/{task}/rerun', { path: { job: String(job), task } });
export const addNotifiedUser = (
  job: string | number,
  body: BodyOf<'/api/v1/jobs/{job}/notified_users/', 'post'>,
) => api.post('/api/v1/jobs/{job}/notified_users/', { path: { job: String(job) }, body });
export const removeNotifiedUser = (job: string | number, username: string) =>
  api.delete('/api/v1/jobs/{job}/notified_users/{username}', { path: { job: String(job), username } });

/** Tags are shared objects: adding one to many jobs is a read and a write of the tag. */
export async function changeTagOnJobs(tag: string, jobIds: readonly number[], add: boolean): Promise<void> {
  await api.post('/api/v1/tags/', { body: { tag } });
  const current = await api.get('/api/v1/tags/{tag}', { path: { tag } });
  const jobs = new Set(current.jobs);
  for (const id of jobIds) {
    if (add) jobs.add(id);
    else jobs.delete(id);
  }
  await api.put('/api/v1/tags/{tag}', { path: { tag }, body: { jobs: [...jobs] } });
}
