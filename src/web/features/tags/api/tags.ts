/** Tags over `/api/v1/tags/...`. */
import { queryOptions } from '@tanstack/react-query';
import { api, type ResponseOf } from '../../../api/client.gen';

export type Tag = ResponseOf<'/api/v1/tags/', 'get'>[number];

export const tagsQuery = queryOptions({
  queryKey: ['tags', 'all'],
  queryFn: ({ signal }) => api.get('/api/v1/tags/', { signal }),
});

export const createTag = (tag: string) => api.post('/api/v1/tags/', { body: { tag } });
export const deleteTag = (tag: string) => api.delete('/api/v1/tags/{tag}', { path: { tag } });
export const renameTag = (tag: string, name: string) =>
  api.put('/api/v1/tags/{tag}', { path: { tag }, body: { tag: name } });
