import { describe, expect, it } from 'vitest';
import { auditThreads } from './audit-threads.js';

describe('remembered audit threads', () => {
  it('forget the request remembered longest ago once full, keeping those posted about lately', () => {
    const threads = auditThreads(2);
    threads.set('R1', 'ts1');
    threads.set('R2', 'ts2');
    threads.set('R1', 'ts1');
    threads.set('R3', 'ts3');
    expect([threads.get('R1'), threads.get('R2'), threads.get('R3')]).toEqual(['ts1', undefined, 'ts3']);
  });
});
