/** Agents (render nodes) over `/api/v1/agents/...`. */
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type QueryOf, type ResponseOf } from '../../../api/client.gen';

export type AgentListQuery = QueryOf<'/api/v1/agents/', 'get'>;
type ListResponse = ResponseOf<'/api/v1/agents/', 'get'>;
export type AgentPage = Extract<ListResponse, { agents: unknown }>;
export type AgentListItem = AgentPage['agents'][number];
export type Agent = ResponseOf<'/api/v1/agents/{agent_id}', 'get'>;
export type AgentTask = ResponseOf<'/api/v1/agents/{agent_id}/tasks/', 'get'>[number];
export type AgentChange = BodyOf<'/api/v1/agents/{agent_id}', 'post'>;
export type AgentStateName = NonNullable<AgentListQuery['state']>[number];

export const AGENT_STATES = [
  'online',
  'running',
  'offline',
  'disabled',
] as const satisfies readonly AgentStateName[];

/** A page of agents with the counts per state (the paged form of the list). */
export const agentsQuery = (query: AgentListQuery) =>
  queryOptions({
    queryKey: ['agents', 'list', query],
    queryFn: async ({ signal }) => {
      const data = await api.get('/api/v1/agents/', { query: { page: 1, ...query }, signal });
      if (Array.isArray(data)) throw new Error('the master answered the unpaged agent list');
      return data;
    },
    placeholderData: keepPreviousData,
  });

export const agentQuery = (id: string) =>
  queryOptions({
    queryKey: ['agents', 'detail', id],
    queryFn: ({ signal }) => api.get('/api/v1/agents/{agent_id}', { path: { agent_id: id }, signal }),
  });

export const agentTasksQuery = (id: string) =>
  queryOptions({
    queryKey: ['agents', 'tasks', id],
    queryFn: ({ signal }) => api.get('/api/v1/agents/{agent_id}/tasks/', { path: { agent_id: id }, signal }),
  });

export const softwareCatalogQuery = queryOptions({
  queryKey: ['software', 'catalog'],
  queryFn: ({ signal }) => api.get('/api/v1/software/', { signal }),
  staleTime: 60_000,
});

export type AgentAction = 'restart' | 'disable' | 'enable' | 'delete';

export function runAgentAction(id: string, action: AgentAction) {
  const path = { agent_id: id };
  switch (action) {
    case 'restart':
      return api.post('/api/v1/agents/{agent_id}/restart', { path });
    case 'disable':
      return api.post('/api/v1/agents/{agent_id}/disable', { path });
    case 'enable':
      return api.post('/api/v1/agents/{agent_id}/enable', { path });
    case 'delete':
      return api.delete('/api/v1/agents/{agent_id}', { path });
  }
}

export const changeAgent = (id: string, body: AgentChange) =>
  api.post('/api/v1/agents/{agent_id}', { path: { agent_id: id }, body });
export const addAgentSoftware = (id: string, software: string, version: string) =>
  api.post('/api/v1/agents/{agent_id}/software/', { path: { agent_id: id }, body: { software, version } });
export const removeAgentSoftware = (id: string, software: string, version: string) =>
  api.delete('/api/v1/agents/{agent_id}/software/{software}/versions/{version}', {
    path: { agent_id: id, software, version },
  });

export type AgentTaskLog = ResponseOf<'/api/v1/agents/{agent_id}/task_logs', 'get'>[number];

export const agentLogsQuery = (id: string) =>
  queryOptions({
    queryKey: ['agents', 'logs', id],
    queryFn: ({ signal }) =>
      api.get('/api/v1/agents/{agent_id}/task_logs', {
        path: { agent_id: id },
        query: { limit: 10 },
        signal,
      }),
  });

export const checkAgentSoftware = (id: string) =>
  api.post('/api/v1/agents/{agent_id}/check_software', { path: { agent_id: id } });
