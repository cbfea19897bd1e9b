import { describe, expect, it } from 'vitest';
import { AuditThreads } from './audit-threads.js';

describe('remembered audit threads', () => {
  it('forget the request remembered longest ago once full, keeping those posted about lately', () => {
    const threads = new AuditThreads(2);
    threads.remember('R1', 'ts1');
    threads.remember('R2', 'ts2');
    threads.remember('R1', 'ts1');
    threads.remember('R3', 'ts3');
    expect([threads.get('R1'), threads.get('R2'), threads.get('R3')]).toEqual(['ts1', undefined, 'ts3']);
  });
});
