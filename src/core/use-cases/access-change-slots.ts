import pLimit from 'p-limit';

/**
 * Grants this process provisions or revokes at once, whatever started them: a sweep, an approval,
 * a release. Each AWS call still waits for the shared call rate; bounding the grants in hand keeps
 * each grant's calls close together. Without it, a burst of 2,000 approvals queued every grant's
 * first call ahead of any grant's second, and almost none finished for minutes.
 */
const ACCESS_CHANGES_AT_ONCE = 16;

export const withAccessChangeSlot = pLimit(ACCESS_CHANGES_AT_ONCE);
