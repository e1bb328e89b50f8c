import { describe, expect, it } from 'vitest';
import { projectorLinkFault } from './projector.ts';

const linkId = '0193a8f2-6c1e-7b4d-9a2e-3f5c7d9e1b2a';
const secret = 'q8W3-x_Zr5TnV0bKp2LmYc7HdF4sJ9aGuE1oRiN6tQk';

describe('a projector link as pasted', () => {
  it('is whole with its link id and its 43-character secret', () => {
    expect(projectorLinkFault({ linkId, secret })).toBeNull();
  });

  it('is incomplete without its secret, with a cut secret, or with a cut link id', () => {
    expect(projectorLinkFault({ linkId, secret: '' })).toBe('incomplete');
    expect(projectorLinkFault({ linkId, secret: secret.slice(0, 30) })).toBe('incomplete');
    expect(projectorLinkFault({ linkId: linkId.slice(0, 20), secret })).toBe('incomplete');
  });
});
