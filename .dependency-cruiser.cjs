/**
 * Layer rules, checked by `npm test` (`npm run deps`).
 *
 * The server's code is layered; data flows one way, from HTTP down to storage. A module may import
 * its own layer and the layers below it, never one above. The client package imports nothing of the
 * server. No import cycles anywhere.
 */
const S = '^packages/server/src/';

/** Server layers, top to bottom. A layer may import itself and any layer after it. */
const LAYERS = [
  { name: 'composition root', path: `${S}(main|app|maintenance)\\.ts$|${S}admin/` },
  { name: 'http', path: `${S}(http|web)/` },
  { name: 'api', path: `${S}api/` },
  { name: 'upload pipeline', path: `${S}upload/` },
  { name: 'file repository', path: `${S}files/` },
  { name: 'auth', path: `${S}auth/` },
  { name: 'jobs', path: `${S}jobs/` },
  { name: 'storage and database', path: `${S}(storage|db)/` },
  { name: 'configuration', path: `${S}config(/|\\.ts$)` },
  { name: 'formats (media, MIME, titles)', path: `${S}(media|mime|title)/` },
  { name: 'basics', path: `${S}(util/|errors\\.ts$|version\\.ts$|log\\.ts$)` },
];

const upward = LAYERS.flatMap((layer, i) =>
  i === 0
    ? []
    : [
        {
          name: `layer-${layer.name.replace(/\W+/g, '-')}`,
          comment: `${layer.name} must not import a layer above it (${LAYERS.slice(0, i)
            .map((l) => l.name)
            .join(', ')})`,
          severity: 'error',
          from: { path: layer.path },
          to: {
            path: LAYERS.slice(0, i)
              .map((l) => `(${l.path})`)
              .join('|'),
          },
        },
      ],
);

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'no-circular',
      comment: 'no import cycles',
      severity: 'error',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'server-layers-cover-every-module',
      comment: 'every server module belongs to a layer (add new folders to LAYERS)',
      severity: 'error',
      from: { path: S, pathNot: LAYERS.map((l) => `(${l.path})`).join('|') },
      to: {},
    },
    {
      name: 'api-and-http-hold-no-sql',
      comment:
        'the Action API and the HTTP routes reach tables through the repositories (files/, auth/, upload/), never the database or Kysely',
      severity: 'error',
      from: { path: `${S}(api|http|web)/` },
      to: { path: `${S}db/|node_modules/kysely/` },
    },
    {
      name: 'client-imports-no-server',
      comment: 'the client package installs without the server: it must not import it',
      severity: 'error',
      from: { path: '^packages/client/' },
      to: { path: '^packages/server/' },
    },
    {
      name: 'client-core-isomorphic',
      comment:
        'the isomorphic client core runs in browsers: no node: imports outside node.ts, index.ts and cli/',
      severity: 'error',
      from: {
        path: '^packages/client/src/',
        pathNot: '^packages/client/src/(node|index|node-[^/]*)\\.ts$|^packages/client/src/(cli|node)/',
      },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-test',
      comment: 'production code does not import tests',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: '^packages/[^/]+/test/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },

    tsPreCompilationDeps: true,
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
