import { describe, expect, it } from 'vitest';
import { csvField, formatAudit } from './format-audit.js';
import type { AuditRecord } from './read-audit-events.js';

const record: AuditRecord = {
  id: '7',
  at: new Date('2026-11-21T10:00:00Z'),
  actor: 'U0ALICE',
  action: 'request.filed',
  requestId: 'R1',
  detail: { justification: 'pager, "again"\nsecond line', durationSeconds: 3600 },
};

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['@sum', "'@sum"],
    ['', ''],
  ])('writes %j as %j', (given, want) => {
    expect(csvField(given)).toBe(want);
  });
});

describe('formatAudit', () => {
  it('writes a header and one quoted row per event, justification in its own column', () => {
    expect(formatAudit([record], 'csv')).toEqual([
      'id,at,actor,action,request_id,grant_id,justification,detail',
      '7,2026-11-21T10:00:00.000Z,U0ALICE,request.filed,R1,,"pager, ""again""\nsecond line",' +
        '"{""justification"":""pager, \\""again\\""\\nsecond line"",""durationSeconds"":3600}"',
    ]);
  });

  it('writes one exact JSON object per line', () => {
    const [line] = formatAudit([record], 'jsonl');
    expect(line).not.toContain('\n');
    expect(JSON.parse(line ?? '')).toEqual({
      id: '7',
      at: '2026-11-21T10:00:00.000Z',
      actor: 'U0ALICE',
      action: 'request.filed',
      request_id: 'R1',
      grant_id: null,
      detail: record.detail,
    });
  });
});
