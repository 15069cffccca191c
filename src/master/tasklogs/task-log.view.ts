import type { TaskLogListItem, TaskLogView } from '../../api/schemas/task-logs.js';
import { isoTime } from '../../api/schemas/common.js';
import type { TaskLog } from '../../db/tasklogs/task-log.repository.js';

export function taskLogView(log: TaskLog): TaskLogView {
  return {
    id: log.id,
    identifier: log.identifier,
    agent_id: log.agentId,
    created_on: isoTime(log.createdOn),
  };
}

export function taskLogListItem(log: TaskLog): TaskLogListItem {
  return { identifier: log.identifier, agent_id: log.agentId, created_on: isoTime(log.createdOn) };
}
