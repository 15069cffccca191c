/** Job types over `/api/v1/jobtypes/...`: versions, code, software requirements, templates. */
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf } from '../../../api/client.gen';

export type JobType = ResponseOf<'/api/v1/jobtypes/{jobtype}', 'get'>;
export type JobTypeVersionBody = BodyOf<'/api/v1/jobtypes/{jobtype}', 'put'>;
export type JobTypeFields = BodyOf<'/api/v1/jobtypes/{jobtype}', 'post'>;
export type Software = ResponseOf<'/api/v1/software/', 'get'>[number];

export const jobTypesQuery = queryOptions({
  queryKey: ['jobtypes', 'all-details'],
  queryFn: async ({ signal }) => {
    const list = await api.get('/api/v1/jobtypes/', { signal });
    return Promise.all(
      list.map((t) => api.get('/api/v1/jobtypes/{jobtype}', { path: { jobtype: String(t.id) }, signal })),
    );
  },
});

export const jobTypeVersionsQuery = (name: string) =>
  queryOptions({
    queryKey: ['jobtypes', 'versions', name],
    queryFn: ({ signal }) =>
      api.get('/api/v1/jobtypes/{jobtype}/versions/', { path: { jobtype: name }, signal }),
  });

/** A version, or the latest one when `version` is undefined. */
export const jobTypeQuery = (name: string, version?: number) =>
  queryOptions({
    queryKey: ['jobtypes', 'detail', name, version ?? 'latest'],
    queryFn: ({ signal }) =>
      version === undefined
        ? api.get('/api/v1/jobtypes/{jobtype}', { path: { jobtype: name }, signal })
        : api.get('/api/v1/jobtypes/{jobtype}/versions/{version}', {
            path: { jobtype: name, version },
            signal,
          }),
  });

export const softwareQuery = queryOptions({
  queryKey: ['software', 'catalog'],
  queryFn: ({ signal }) => api.get('/api/v1/software/', { signal }),
  staleTime: 60_000,
});

export const createJobType = (body: BodyOf<'/api/v1/jobtypes/', 'post'>) =>
  api.post('/api/v1/jobtypes/', { body });
export const saveVersion = (name: string, body: JobTypeVersionBody) =>
  api.put('/api/v1/jobtypes/{jobtype}', { path: { jobtype: name }, body });
export const changeFields = (name: string, body: JobTypeFields) =>
  api.post('/api/v1/jobtypes/{jobtype}', { path: { jobtype: name }, body });
export const deleteJobType = (name: string) =>
  api.delete('/api/v1/jobtypes/{jobtype}', { path: { jobtype: name } });
export const deleteVersion = (name: string, version: number) =>
  api.delete('/api/v1/jobtypes/{jobtype}/versions/{version}', { path: { jobtype: name, version } });
export const addRequirement = (
  name: string,
  body: BodyOf<'/api/v1/jobtypes/{jobtype}/software_requirements/', 'post'>,
) => api.post('/api/v1/jobtypes/{jobtype}/software_requirements/', { path: { jobtype: name }, body });
export const removeRequirement = (name: string, software: string) =>
  api.delete('/api/v1/jobtypes/{jobtype}/software_requirements/{software}', {
    path: { jobtype: name, software },
  });
