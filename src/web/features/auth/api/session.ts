/** The session endpoints: the farm and the caller in one request, first-run setup, login and logout. */
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf } from '../../../api/client.gen';

export type UiSession = ResponseOf<'/api/v1/session', 'get'>;

/** Keyed 'me': a 401 anywhere invalidates it (app/query-client.ts), which shows the login page. */
export const sessionQuery = queryOptions({
  queryKey: ['me'],
  queryFn: ({ signal }) => api.get('/api/v1/session', { signal }),
  staleTime: Infinity,
  retry: 1,
});

export const login = (body: BodyOf<'/api/v1/login', 'post'>) => api.post('/api/v1/login', { body });
export const createFirstAdmin = (body: BodyOf<'/api/v1/setup', 'post'>) =>
  api.post('/api/v1/setup', { body });
export const logout = () => api.post('/api/v1/logout');
