/** Users and API tokens (`/api/v1/users/`, `/api/v1/tokens/`). */
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf } from '../../../api/client.gen';

export type User = ResponseOf<'/api/v1/users/', 'get'>[number];
export type Token = ResponseOf<'/api/v1/tokens/', 'get'>[number];
export type CreatedToken = ResponseOf<'/api/v1/tokens/', 'post'>;
export type NewUser = BodyOf<'/api/v1/users/', 'post'>;
export type UserChange = BodyOf<'/api/v1/users/{user}', 'post'>;
export type NewToken = BodyOf<'/api/v1/tokens/', 'post'>;

export const ROLE_NAMES = ['admin', 'wrangler', 'artist', 'agent'] as const;

export const usersQuery = queryOptions({
  queryKey: ['users'],
  queryFn: ({ signal }) => api.get('/api/v1/users/', { signal }),
});

export const tokensQuery = queryOptions({
  queryKey: ['users', 'tokens'],
  queryFn: ({ signal }) => api.get('/api/v1/tokens/', { signal }),
});

export const createUser = (body: NewUser) => api.post('/api/v1/users/', { body });
export const changeUser = (user: string, body: UserChange) =>
  api.post('/api/v1/users/{user}', { path: { user }, body });
export const deleteUser = (user: string) => api.delete('/api/v1/users/{user}', { path: { user } });
export const createToken = (body: NewToken) => api.post('/api/v1/tokens/', { body });
export const revokeToken = (id: number) => api.delete('/api/v1/tokens/{id}', { path: { id } });
