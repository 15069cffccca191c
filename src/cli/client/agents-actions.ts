/** `drover agents`: the farm's agents with their state and resources, read page by page. */
import type { Static } from 'typebox';
import type { AgentPage, AgentView } from '../../api/schemas/agents.js';
import type { CliIO } from '../io.js';
import { openClient } from './client-command.js';
import type { ClientOptions } from './client-options.js';
import { formatTime } from './output/format-values.js';
import { renderTable, type Column } from './output/table.js';

type Agent = Static<typeof AgentView>;

export interface ListAgentsOptions extends ClientOptions {
  state?: string[];
  tag?: string[];
  search?: string;
}

const PAGE = 1000;

export async function listAgents(io: CliIO, options: ListAgentsOptions) {
  const { client, out } = openClient(io, options);
  const agents: Agent[] = [];
  for (let page = 1; ; page++) {
    const answer = await client.get<Static<typeof AgentPage>>('/agents/', {
      state: options.state,
      tag: options.tag,
      search: options.search,
      order_by: 'hostname',
      page,
      per_page: PAGE,
    });
    agents.push(...answer.agents);
    if (answer.agents.length < PAGE || agents.length >= answer.total) break;
  }
  const columns: Column<Agent>[] = [
    { header: 'ID', value: (a) => a.id.slice(0, 8) },
    { header: 'HOSTNAME', value: (a) => a.hostname },
    { header: 'ADDRESS', value: (a) => `${a.remote_ip ?? '?'}:${a.port}` },
    { header: 'STATE', value: (a) => a.state, paint: (_a, s) => s.state },
    { header: 'CPUS', value: (a) => a.cpus, align: 'right' },
    { header: 'RAM', value: (a) => `${a.ram} MB`, align: 'right' },
    { header: 'FREE', value: (a) => `${a.free_ram} MB`, align: 'right' },
    { header: 'VERSION', value: (a) => a.version },
    { header: 'LAST HEARD', value: (a) => formatTime(a.last_heard_from) },
    { header: 'TAGS', value: (a) => a.tags.join(',') },
  ];
  out.print(agents, (style) => (agents.length === 0 ? 'no agents\n' : renderTable(columns, agents, style)));
}
