// Dependency direction (see ../shared/design.md):
//   core ← everything; nodeset ← exec ← agent, cli; api ← master, agent, cli, web, exec; db ← master (and cli).
// cli is the composition root and may import any component; nothing imports cli.
const component = (name) => `^src/${name}/`;
const forbid = (from, to, comment) => ({
  name: `${from}-not-to-${to.replace(/[^a-z|]/g, '') || to}`,
  comment,
  severity: 'error',
  from: { path: component(from) },
  to: { path: `^src/(${to})/` },
});

module.exports = {
  forbidden: [
    forbid('core', 'db|api|master|agent|nodeset|exec|cli|web', 'core is the bottom layer'),
    forbid('nodeset', 'db|api|master|agent|exec|cli|web', 'nodeset depends on core only'),
    forbid('exec', 'db|master|agent|cli|web', 'exec sits on nodeset (and api for the agent worker)'),
    forbid('api', 'db|master|agent|nodeset|exec|cli|web', 'api (schemas) depends on core only'),
    forbid('db', 'api|master|agent|nodeset|exec|cli|web', 'db depends on core only'),
    forbid('master', 'agent|cli|web|exec', 'the master never imports the agent, the CLI or the UI'),
    forbid('agent', 'master|db|cli|web', 'agent never imports master or db'),
    forbid('web', 'core|db|master|agent|nodeset|exec|cli', 'web imports only api'),
    {
      name: 'web-no-cross-feature',
      severity: 'error',
      comment: 'a web UI feature never imports another one; share through src/web/{components,lib,api}',
      from: { path: '^src/web/features/([^/]+)/' },
      to: { path: '^src/web/features/([^/]+)/', pathNot: '^src/web/features/$1/' },
    },
    {
      name: 'web-shared-not-to-features',
      severity: 'error',
      comment: 'shared web UI code (api, components, lib) never imports features or the app shell',
      from: { path: '^src/web/(api|components|lib)/' },
      to: { path: '^src/web/(features|app)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles',
      from: {},
      to: { circular: true },
    },
    {
      name: 'tests-only-from-tests',
      severity: 'error',
      comment: 'production code never imports test code',
      from: { path: '^src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '(\\.test\\.tsx?$|^test/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
