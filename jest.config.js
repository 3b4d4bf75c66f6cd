/** Unit tests (*.spec.ts) and e2e tests (*.e2e-spec.ts, real PostgreSQL) in one run. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#common$': '<rootDir>/libs/common/src/index.ts',
    '^#common/(.*)$': '<rootDir>/libs/common/src/$1',
    '^#auth-kit$': '<rootDir>/libs/auth-kit/src/index.ts',
    '^#testing$': '<rootDir>/libs/testing/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  rootDir: '.',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};

export default {
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  testTimeout: 30_000,
  // A worker is replaced once a test file leaves it above this much memory. Each e2e file loads the
  // services' module graph into a new vm context that is never freed (ESM under
  // --experimental-vm-modules), so a worker grew to ~2.5 GB RSS by the end of a run, and a process
  // that size took ~0.8 s to exit here: past jest's 500 ms, hence "a worker process has failed to
  // exit gracefully" with no handle left open (checked at the worker's end). 200 MB exits in ~0.1 s,
  // 1.2 GB in ~0.4 s. At 800 MB the warning still came once in four full runs (a worker ends above
  // the limit by what its last files added), so the limit is lower.
  workerIdleMemoryLimit: '500MB',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench,scripts,docker}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.mjs',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.mjs',
    },
  ],
};
