// Import rules for src/: no cycles (type-only imports count too), and folder dependencies that
// follow the data flow one way. A folder may import only from folders listed before it.
const LAYERS = [
  'util',
  'model',
  'releases',
  'config',
  'secrets',
  'dockerfile',
  'image',
  'workloads',
  'scanners',
  'attribution',
  'policy',
  'report',
  'scan',
  'github',
  'action|cli',
];

const layerRules = LAYERS.slice(0, -1).map((layer, index) => ({
  name: `layer-${layer.replace('|', '-')}`,
  comment: `src/${layer} may import only from ${LAYERS.slice(0, index).join(', ') || 'nothing else in src'}.`,
  severity: 'error',
  from: { path: `^src/(${layer})/` },
  to: { path: `^src/(${LAYERS.slice(index + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Import cycles, type-only imports included, hide which stage depends on which.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-entry-imports',
      comment: 'The entry points (src/main.ts, src/cli.ts) import; nothing imports them.',
      severity: 'error',
      from: {},
      to: { path: '^src/[^/]+\\.ts$' },
    },
    {
      name: 'action-cli-apart',
      comment: 'The action and the CLI share the engine below them, not each other.',
      severity: 'error',
      from: { path: '^src/(action|cli)/' },
      to: { path: '^src/(action|cli)/', pathNot: '^src/$1/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
