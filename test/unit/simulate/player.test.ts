import { describe, expect, it } from 'vitest';
import { measure, StoryPlayer } from '../../../src/simulate/player.js';
import { parseStory } from '../../../src/simulate/story.js';

const play = (yaml: string, check: string, moments: [number, number][]) => {
  const player = new StoryPlayer(parseStory('story', yaml));
  return moments.map(([interval, weight]) => player.checkValue(check, { interval, weight }));
};

describe('a story played interval by interval', () => {
  it.each<[string, string, [number, number][], unknown[]]>([
    ['one value for every interval', 'checks: { x: 3 }', [[1, 0], [9, 50]], [3, 3]],
    ['a list: one per interval, the last one stays', 'checks: { x: [1, 2, 3] }', [[1, 0], [2, 0], [3, 0], [7, 0]], [1, 2, 3, 3]],
    ['a cycle repeats', 'checks: { x: { cycle: [pass, fail] } }', [[1, 0], [2, 0], [3, 0], [4, 0]], ['pass', 'fail', 'pass', 'fail']],
    ['"*" is every check not named', 'checks: { "*": pass, y: fail }', [[1, 0]], ['pass']],
    ['a fromWeight chapter starts when the weight first reaches it, its lists from then', 'checks: { x: pass }\nfromWeight: { 30: { checks: { x: [5, 6] } } }', [[1, 10], [4, 30], [5, 35], [6, 40]], ['pass', 5, 6, 6]],
    ['the highest chapter reached wins', 'checks: { x: 1 }\nfromWeight: { 20: { checks: { x: 2 } }, 40: { checks: { x: 4 } } }', [[1, 10], [2, 20], [3, 40]], [1, 2, 4]],
    ['a chapter that does not name the check leaves it to the story', 'checks: { x: 1 }\nfromWeight: { 20: { checks: { other: 2 } } }', [[2, 20]], [1]],
  ])('%s', (_what, yaml, moments, values) => {
    expect(play(yaml, 'x', moments)).toEqual(values);
  });

  it('webhook answers by name; a hook the story does not name is left to the caller', () => {
    const player = new StoryPlayer(parseStory('story', 'webhooks: { gate: [fail, pass] }'));
    expect([1, 2, 3].map((interval) => player.hookAnswer('gate', { interval, weight: 0 }))).toEqual(['fail', 'pass', 'pass']);
    expect(player.hookAnswer('load-test', { interval: 1, weight: 0 })).toBeUndefined();
  });
});

describe('pass and fail as numbers against the check\'s thresholds', () => {
  it.each<[string, Parameters<typeof measure>[1], number, number]>([
    ['a success rate (minimum below 100)', { min: 99 }, 99.5, 89.1],
    ['a latency (maximum)', { max: 500 }, 250, 550],
    ['a range', { min: 1, max: 5 }, 3, 0],
    ['a maximum of 0', { max: 0 }, 0, 1],
    ['a minimum of 0', { min: 0 }, 50, -1],
    ['a minimum above 100', { min: 1000 }, 1010, 900],
  ])('%s', (_what, bounds, pass, fail) => {
    expect(measure('pass', bounds)).toBe(pass);
    expect(measure('fail', bounds)).toBe(fail);
  });

  it('numbers are what they are; nodata is no value; error is a failed query', () => {
    expect([measure(42, { max: 1 }), measure('nodata', { max: 1 }), measure('error', { max: 1 })]).toEqual([42, null, 'error']);
  });
});
