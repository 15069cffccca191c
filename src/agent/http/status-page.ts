/**
 * The agent's own HTML pages: the status page (`/`) and the configuration (`/configuration`). Small,
 * server-rendered, no scripts; every value is escaped.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}
nav a{margin-right:1rem}</style></head>
<body><nav><a href="/">Status</a><a href="/configuration">Configuration</a></nav>
<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function table(rows: [string, unknown][]): string {
  return `<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'object' ? JSON.stringify(v) : v)}</td></tr>`).join('')}</table>`;
}

export function statusPage(status: Record<string, unknown>, tasks: unknown[]): string {
  const rows = (tasks as Record<string, unknown>[])
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.job)}</td><td>${escapeHtml(t.id)}</td><td>${escapeHtml(t.frame)}</td><td>${escapeHtml(t.jobtype)}</td><td>${escapeHtml(t.local_state ?? 'assigned')}</td></tr>`,
    )
    .join('');
  const taskTable = tasks.length
    ? `<table><tr><th>Job</th><th>Task</th><th>Frame</th><th>Job type</th><th>State</th></tr>${rows}</table>`
    : '<p>No tasks.</p>';
  return layout(
    `Drover agent ${String(status.agent_hostname ?? '')}`,
    `${table(Object.entries(status))}<h2>Tasks</h2>${taskTable}`,
  );
}

export function configPage(config: Record<string, unknown>): string {
  return layout(
    'Drover agent configuration',
    table(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))),
  );
}
