/** Job groups over `/api/v1/jobgroups/...`. */
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf } from '../../../api/client.gen';

export type JobGroup = ResponseOf<'/api/v1/jobgroups/', 'get'>[number];
export type GroupJob = ResponseOf<'/api/v1/jobgroups/{group}/jobs', 'get'>['jobs'][number];

export const groupsQuery = queryOptions({
  queryKey: ['jobgroups', 'all'],
  queryFn: ({ signal }) => api.get('/api/v1/jobgroups/', { signal }),
});

export const groupJobsQuery = (id: number) =>
  queryOptions({
    queryKey: ['jobgroups', 'jobs', id],
    queryFn: ({ signal }) => api.get('/api/v1/jobgroups/{group}/jobs', { path: { group: id }, signal }),
  });

export const jobTypeNamesQuery = queryOptions({
  queryKey: ['jobtypes', 'choices'],
  queryFn: ({ signal }) => api.get('/api/v1/jobtypes/', { signal }),
  staleTime: 60_000,
});

export const createGroup = (body: BodyOf<'/api/v1/jobgroups/', 'post'>) =>
  api.post('/api/v1/jobgroups/', { body });
export const changeGroup = (id: number, body: BodyOf<'/api/v1/jobgroups/{group}', 'post'>) =>
  api.post('/api/v1/jobgroups/{group}', { path: { group: id }, body });
export const deleteGroup = (id: number) => api.delete('/api/v1/jobgroups/{group}', { path: { group: id } });
