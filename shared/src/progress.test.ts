import { describe, expect, it } from 'vitest';
import { acceptsProgressUpdates, NewProgressUpdate } from './progress.ts';

describe('acceptsProgressUpdates', () => {
  it.each(['funded', 'completed'])('accepts updates on a %s bucket', (status) => {
    expect(acceptsProgressUpdates(status)).toBe(true);
  });
  it.each(['draft', 'proposed', 'open', 'awaiting_board', 'not_funded', 'withdrawn', 'merged', 'rejected'])('refuses updates on a %s bucket', (status) => {
    expect(acceptsProgressUpdates(status)).toBe(false);
  });
});

describe('NewProgressUpdate', () => {
  it('accepts an https link', () => {
    expect(NewProgressUpdate.safeParse({ body: 'Done', link: 'https://example.org/photos' }).success).toBe(true);
  });
  it.each(['javascript:alert(1)', 'ftp://example.org/x', 'not a url'])('refuses the link %s', (link) => {
    expect(NewProgressUpdate.safeParse({ body: 'Done', link }).success).toBe(false);
  });
});
