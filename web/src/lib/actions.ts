// The steps an agency may take on a dispatch from its status (domain/lifecycle.cpp,
// check_dispatch_transition), in the order the agency console shows them.
import type { DispatchStatus } from '../api/types';

export type DispatchAction = 'acknowledge' | 'en_route' | 'on_scene' | 'complete' | 'decline';

const NEXT: Record<DispatchStatus, DispatchAction[]> = {
  notified: ['acknowledge', 'decline'],
  acknowledged: ['en_route', 'on_scene', 'complete', 'decline'],
  en_route: ['on_scene'],
  on_scene: ['complete'],
  completed: [],
  declined: [],
  cancelled: [],
};

export function nextActions(status: DispatchStatus): DispatchAction[] {
  return NEXT[status] ?? [];
}

/** The one step the console offers as the big primary button. */
export function primaryAction(status: DispatchStatus): DispatchAction | null {
  return nextActions(status).find((a) => a !== 'decline') ?? null;
}

/** Steps that need text: a completion note, a decline reason. */
export const needsText = (a: DispatchAction): 'note' | 'reason' | null =>
  a === 'complete' ? 'note' : a === 'decline' ? 'reason' : null;
