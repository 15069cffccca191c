/** Tags on the wire. */
import type { TagDetailView, TagView } from '../../api/schemas/tags.js';
import type { TagLinks } from '../../db/tags/tag-links.repository.js';
import type { Tag } from '../../db/tags/tag.repository.js';
import { API_PREFIX } from '../http/app.js';

export function tagView(tag: Tag): TagView {
  return { id: tag.id, tag: tag.tag };
}

export function tagDetailView(tag: Tag, links: TagLinks | undefined): TagDetailView {
  return { id: tag.id, tag: tag.tag, agents: [...(links?.agents ?? [])], jobs: [...(links?.jobs ?? [])] };
}

export function agentHref(agentId: string): string {
  return `${API_PREFIX}/agents/${agentId}`;
}

/** `GET /tags/schema`. */
export function tagColumnTypes(maxTagLength: number): Record<string, string> {
  return { id: 'INTEGER', tag: `VARCHAR(${maxTagLength})` };
}
