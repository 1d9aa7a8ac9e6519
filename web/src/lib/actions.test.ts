import { describe, expect, it } from 'vitest';
import { needsText, nextActions, primaryAction } from './actions';

describe('dispatch actions', () => {
  it('follows the lifecycle', () => {
    expect(nextActions('notified')).toEqual(['acknowledge', 'decline']);
    expect(nextActions('acknowledged')).toEqual(['en_route', 'on_scene', 'complete', 'decline']);
    expect(nextActions('en_route')).toEqual(['on_scene']);
    expect(nextActions('on_scene')).toEqual(['complete']);
    expect(nextActions('completed')).toEqual([]);
    expect(nextActions('declined')).toEqual([]);
    expect(nextActions('cancelled')).toEqual([]);
  });
  it('offers one primary step', () => {
    expect(primaryAction('notified')).toBe('acknowledge');
    expect(primaryAction('acknowledged')).toBe('en_route');
    expect(primaryAction('on_scene')).toBe('complete');
    expect(primaryAction('completed')).toBeNull();
  });
  it('asks for text where the API needs it', () => {
    expect(needsText('complete')).toBe('note');
    expect(needsText('decline')).toBe('reason');
    expect(needsText('acknowledge')).toBeNull();
  });
});
