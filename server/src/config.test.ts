import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from './config.ts';

describe('readEnv', () => {
  it('has working defaults for a fresh machine', () => {
    expect(readEnv({})).toMatchObject({ PORT: 3000, DATA_DIR: './data', EMBEDDED_PG_PORT: 54329, SEED_DEMO: true });
  });

  it('names every bad variable with its value and what is wrong', () => {
    try {
      readEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('PORT="eighty"');
      expect(message).toContain('DATABASE_URL=(hidden): must be a postgres:// URL');
      expect(message).toContain('SESSION_SECRET=(hidden): must be at least 32 characters');
      expect(message).not.toContain('short');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(readEnv({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
  });
});
