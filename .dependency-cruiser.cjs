// The architecture, as rules that `npm run deps` (and so `npm test`) checks on every import in src/ and adapters/,
// type-only imports included. The layers: src/ports is the vocabulary and the adapter contract, src/core the pure
// engine, src/store and src/config its infrastructure, src/app the composition root that wires everything together,
// adapters/* one network each (chat platforms and email).

/** Platform SDKs and infrastructure libraries: the pure core and the ports must not see any of them. */
const IMPURE_PACKAGES =
  '(^|/)node_modules/(@slack/|discord\\.js/|@discordjs/|pino/|pino-pretty/|node-cron/|prom-client/|better-sqlite3/|keyv/|@keyv/|nodemailer/|imapflow/|mailparser/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'adapter-imports-only-the-contract',
      comment:
        'An adapter sees the engine only through src/ports/index.ts, the adapter contract: anything else in src/ is ' +
        'free to change without breaking Slack or Discord. Import what you need from src/ports/index.js (export it there first).',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^src/', pathNot: '^src/ports/index\\.ts$' },
    },
    {
      name: 'adapter-imports-no-other-adapter',
      comment:
        'Each adapter stands alone (its own SDK, its own quirks): sharing code between two of them couples platforms ' +
        'that fail and change independently. Put shared, platform-free code in src/ports.',
      severity: 'error',
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/', pathNot: '^adapters/$1/' },
    },
    {
      name: 'core-and-ports-stay-pure',
      comment:
        'src/core and src/ports are the pure engine and its vocabulary: no adapter, no composition root, no store or ' +
        'config implementation, no platform SDK, logger, scheduler, metrics or database library. They reach those only ' +
        'through the interfaces in src/ports, which is what lets the tests run the engine on fakes.',
      severity: 'error',
      from: { path: '^src/(core|ports)/' },
      to: {
        path: ['^adapters/', '^src/(app|store|config)/', IMPURE_PACKAGES],
      },
    },
    {
      name: 'ports-import-only-ports',
      comment:
        'src/ports is the contract both sides build on; it depends on nothing, not even the core, or an adapter ' +
        'importing the contract would drag the engine (and its dependencies) along.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/ports/' },
    },
    {
      name: 'only-the-composition-root-imports-adapters',
      comment:
        'src/app is the one place that knows which adapters exist (adapter-registry.ts loads them lazily so an ' +
        'unused SDK is never loaded); nothing else in src/ may import adapters/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: '^adapters/' },
    },
    {
      name: 'web-kit-stays-generic',
      comment:
        "src/web is the pages' toolkit (escaping templates, security headers, forms, assets, SSE): it knows nothing of " +
        "feelers' engine, stores or apps, so every page (console, playground) shares one audited way of writing HTML.",
      severity: 'error',
      from: { path: '^src/web/' },
      to: { path: ['^src/(?!web/)', '^adapters/'] },
    },
    {
      name: 'console-reads-through-the-operator-api',
      comment:
        'The console sees the engine only through the operator API (src/core/operator-api.ts and the model types it ' +
        'names): it never reads the store around the engine, and it runs the same on any store or network.',
      severity: 'error',
      from: { path: '^src/console/' },
      to: {
        path: ['^src/(core|store|app|config)/', '^adapters/'],
        pathNot: ['^src/core/(operator-api|model)\\.ts$'],
      },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle makes module load order matter (an import can be undefined at first use under ESM) and means two ' +
        'modules can no longer be understood, or changed, one without the other. Break it by moving the shared part ' +
        'into its own module (or into src/ports).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-runtime-circular-in-adapters',
      comment:
        'Adapters have a few cycles today, each with a type-only edge (erased at runtime, so harmless). A cycle of ' +
        'real imports would make load order matter; keep it that way.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'production-code-imports-no-test-code',
      comment:
        'test/ and bench/ are neither built nor shipped (tsconfig.build.json, .dockerignore): production code that ' +
        'imports them breaks the build and the Docker image.',
      severity: 'error',
      from: { path: '^(src|adapters)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency; it would also hide from the rules above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Look at the imports TypeScript erases too (`import type`): the layering is about what code knows, not only
    // what it loads.
    tsPreCompilationDeps: true,
    // NodeNext: `import './x.js'` means ./x.ts. The tsconfig gives the resolver the module settings.
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Resolve packages the way Node does for an ESM import ("exports" with the import condition).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
