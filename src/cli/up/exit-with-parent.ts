/**
 * Preloaded (`node --import`) into the agents `drover up` starts: when `drover up` dies without stopping
 * them (kill -9, a crash), the agent is re-parented and stops itself with SIGTERM, as it would on a clean
 * stop, instead of living on without a master. Linux's PR_SET_PDEATHSIG would do this, but Node has no
 * way to ask for it.
 */
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();
