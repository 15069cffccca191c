/**
 * PyFarm keys that make no sense in Drover. They stay in the default files (faithful to the seed), and a
 * user file, a DROVER_/PYFARM_ variable or a flag may still set them so that an old PyFarm configuration
 * loads; each such setting produces a warning with the reason, and the key is not part of `Config`.
 * The README's "Configuration" section lists the same keys and reasons.
 */
const AGENT_PAGES = "the agent's status pages are built into the package; there are no templates to reload";

const IGNORED_KEYS: Readonly<Record<string, string>> = {
  debug: 'there is no Flask application; use log_level: debug',
  debug_queue: 'use log_level: debug',
  scheduler_broker: 'the scheduler runs inside the master and needs no Celery broker',
  csrf_session_key: 'secret_key is the only signing key',
  instance_application: 'there is no WSGI container to hand an application object to',
  scheduler_lockfile_base:
    'the database serialises scheduling (an advisory lock on PostgreSQL, a single process on SQLite); there are no lock files',
  agent_html_template_reload: AGENT_PAGES,
  agent_unittest: "PyFarm's own unit tests used these network targets; Drover's tests never leave loopback",
  jobtype_logging_threadpool:
    "task logs are written asynchronously by the agent's event loop; there is no logging thread pool",
};

/** Why Drover ignores `key`, or undefined when it does not. */
export function ignoredReason(key: string): string | undefined {
  if (Object.hasOwn(IGNORED_KEYS, key)) return IGNORED_KEYS[key];
  return undefined;
}

/**
 * Old names of keys: a value set under the old name is applied to the new one, with a warning.
 * agent_master_reannounce (agent.yml, 120 s) is the interval Drover calls agent_reannounce_interval.
 */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  agent_master_reannounce: 'agent_reannounce_interval',
};
