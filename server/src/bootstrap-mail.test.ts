import { describe, expect, it } from 'vitest';
import { appConfigFrom, signInLinkNotice } from './bootstrap.ts';
import { readEnv } from './config.ts';

const secret = new TextEncoder().encode('x'.repeat(32));
const configFor = (env: Record<string, string>) => appConfigFrom(readEnv(env), secret, 3000);

describe('sign-in links in the log', () => {
  it('are never logged once a mail transport is configured, whatever NODE_ENV says', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      const config = configFor({ NODE_ENV, SMTP_URL: 'smtp://mail.example.org:587' });
      expect(config.logMagicLinks).toBe(false);
      expect(signInLinkNotice(config)).toBeUndefined();
    }
  });

  it('are logged without SMTP_URL, even in production, since the e-mails themselves go to the log', () => {
    for (const NODE_ENV of ['development', 'production']) {
      expect(configFor({ NODE_ENV }).logMagicLinks).toBe(true);
    }
  });

  it('are announced once at start when they go to the log', () => {
    expect(signInLinkNotice(configFor({}))).toBe('no SMTP_URL: sign-in links are written to this log');
  });

  it('treat an empty SMTP_URL, as docker-compose passes it, as no transport', () => {
    expect(configFor({ SMTP_URL: '' }).logMagicLinks).toBe(true);
  });
});
