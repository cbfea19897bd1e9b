import type { RequestStatus } from './model.js';

const NEXT: Record<RequestStatus, readonly RequestStatus[]> = {
  pending: ['approved', 'denied', 'cancelled', 'expired'],
  approved: [],
  denied: [],
  cancelled: [],
  expired: [],
};

/** DESIGN §2: `pending → approved | denied | cancelled | expired`; every other state is final. */
export function canMoveRequest(from: RequestStatus, to: RequestStatus): boolean {
  return NEXT[from].includes(to);
}

export function isFinalRequestStatus(status: RequestStatus): boolean {
  return NEXT[status].length === 0;
}
