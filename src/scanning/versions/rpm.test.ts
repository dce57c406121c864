// rpm's version order against rpm itself: every pair is asked of `rpm.vercmp` (rpm's Lua interface to its own
// comparison) and must get the same answer here. Pairs: rpm's test-suite style cases (tildes, carets, letters
// against numbers, separators, epochs, releases) and real RHEL-style versions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { compareRpmVersions } from './rpm.js';

const hasRpm = spawnSync('sh', ['-c', 'command -v rpm'], { stdio: 'ignore' }).status === 0;

const PAIRS: Array<[string, string]> = [
  ['1.0', '1.0'],
  ['1.0', '2.0'],
  ['2.0.1', '2.0'],
  ['2.0.1a', '2.0.1'],
  ['5.5p1', '5.5p2'],
  ['5.5p10', '5.5p1'],
  ['10xyz', '10.1xyz'],
  ['xyz10', 'xyz10.1'],
  ['xyz.4', '8'],
  ['5.5p2', '5.6p1'],
  ['1.0a', '1.0.1'],
  ['a+', 'a_'],
  ['1.0~rc1', '1.0'],
  ['1.0~rc1', '1.0~rc2'],
  ['1.0~rc1~git123', '1.0~rc1'],
  ['1.0^', '1.0'],
  ['1.0^git1', '1.0'],
  ['1.0^git1', '1.01'],
  ['1.0^20160101', '1.0.1'],
  ['1.0^git1', '1.0^git2'],
  ['1.0^git1~pre', '1.0^git1'],
  ['1:1.0', '2.0'],
  ['0:1.0-1', '1.0-1'],
  ['3.0.7-24.el9', '3.0.7-27.el9_4'],
  ['1:3.0.7-24.el9', '1:3.0.7-24.el9.0.1'],
  ['2.34-100.el9', '2.34-60.el9'],
  ['1.0-1', '1.0-1.1'],
];

function rpmSays(a: string, b: string): number {
  const r = spawnSync('rpm', ['--eval', `%{lua: print(rpm.vercmp("${a}", "${b}"))}`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

test('rpm versions order as rpm orders them', { skip: !hasRpm && 'rpm is not installed' }, () => {
  for (const [a, b] of PAIRS) {
    assert.equal(compareRpmVersions(a, b), rpmSays(a, b), `${a} vs ${b}`);
    assert.equal(compareRpmVersions(b, a), rpmSays(b, a), `${b} vs ${a}`);
  }
});
