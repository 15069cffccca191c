import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// Three projects: unit tests next to the code, integration/black-box tests under test/ (real databases,
// real processes; their global setup starts private PostgreSQL and MariaDB servers), and the web UI's
// component tests in happy-dom.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: ['src/web/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'web',
          include: ['src/web/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          testTimeout: 10_000,
        },
      },
    ],
  },
});
