import { describe, expect, it } from 'vitest';
import { whomToMatch } from './whom-to-match.js';

const grant = { requesterEmail: 'alice@example.com' };
const matched = { principalId: 'u-alice', email: 'alice@example.com' };

describe('whomToMatch', () => {
  it('gives the user matched after filing while the Slack email is still the one to match', () => {
    expect(whomToMatch(grant, { matched })).toEqual({ email: 'alice@example.com', matchedId: 'u-alice' });
  });

  it('looks a pinned person up by the pin, whatever was matched', () => {
    expect(whomToMatch(grant, { pinnedEmail: 'alice.ops@example.com', matched })).toEqual({
      email: 'alice.ops@example.com',
    });
  });

  it('looks the person up when nothing was matched', () => {
    expect(whomToMatch(grant, {})).toEqual({ email: 'alice@example.com' });
  });
});
