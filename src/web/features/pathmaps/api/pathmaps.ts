/** Path maps over `/api/v1/pathmaps/...`. */
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf } from '../../../api/client.gen';

export type PathMap = ResponseOf<'/api/v1/pathmaps/', 'get'>[number];
export type NewPathMap = BodyOf<'/api/v1/pathmaps/', 'post'>;

export const pathMapsQuery = queryOptions({
  queryKey: ['pathmaps', 'all'],
  queryFn: ({ signal }) => api.get('/api/v1/pathmaps/', { signal }),
});

export const createPathMap = (body: NewPathMap) => api.post('/api/v1/pathmaps/', { body });
export const changePathMap = (id: number, body: NewPathMap) =>
  api.post('/api/v1/pathmaps/{pathmap_id}', { path: { pathmap_id: id }, body });
export const deletePathMap = (id: number) =>
  api.delete('/api/v1/pathmaps/{pathmap_id}', { path: { pathmap_id: id } });
