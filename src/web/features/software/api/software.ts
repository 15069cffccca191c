/** Software and its versions over `/api/v1/software/...`. */
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf } from '../../../api/client.gen';
import { ApiError } from '../../../api/transport';

export type Software = ResponseOf<'/api/v1/software/', 'get'>[number];
export type SoftwareVersion = Software['versions'][number];
export type VersionChange = BodyOf<'/api/v1/software/{software}/versions/{version}', 'post'>;

export const softwareListQuery = queryOptions({
  queryKey: ['software', 'catalog'],
  queryFn: ({ signal }) => api.get('/api/v1/software/', { signal }),
});

export const softwareQuery = (name: string) =>
  queryOptions({
    queryKey: ['software', 'detail', name],
    queryFn: ({ signal }) => api.get('/api/v1/software/{software}', { path: { software: name }, signal }),
  });

/** The discovery code of a version, or null when it has none (404). */
export const discoveryCodeQuery = (software: string, version: string) =>
  queryOptions({
    queryKey: ['software', 'code', software, version],
    queryFn: async ({ signal }) => {
      try {
        return await api.get('/api/v1/software/{software}/versions/{version}/code', {
          path: { software, version },
          signal,
        });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });

/** PyFarm's suggestion for a new version: the highest rank rounded up to a multiple of 100, plus 100. */
export function nextRank(versions: readonly SoftwareVersion[]): number {
  const max = versions.reduce((m, v) => Math.max(m, v.rank), 0);
  return Math.ceil(max / 100) * 100 + 100;
}

export const createSoftware = (software: string) => api.post('/api/v1/software/', { body: { software } });
export const deleteSoftware = (software: string) =>
  api.delete('/api/v1/software/{software}', { path: { software } });
export const addVersion = (software: string, body: BodyOf<'/api/v1/software/{software}/versions/', 'post'>) =>
  api.post('/api/v1/software/{software}/versions/', { path: { software }, body });
export const changeVersion = (software: string, version: string, body: VersionChange) =>
  api.post('/api/v1/software/{software}/versions/{version}', { path: { software, version }, body });
export const deleteVersion = (software: string, version: string) =>
  api.delete('/api/v1/software/{software}/versions/{version}', { path: { software, version } });
