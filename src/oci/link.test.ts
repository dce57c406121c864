import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextLink } from './link.js';

const BASE = 'https://registry.example:5000/v2/_catalog?n=100';

describe('nextLink', () => {
  const cases: Array<[string, string | string[] | undefined, string | undefined]> = [
    ['undefined', undefined, undefined],
    ['empty', '', undefined],
    ['empty list', [], undefined],
    [
      'distribution catalog',
      '</v2/_catalog?last=x&n=100>; rel="next"',
      'https://registry.example:5000/v2/_catalog?last=x&n=100',
    ],
    [
      'tags list with an encoded name',
      '</v2/a/b/tags/list?last=v1.2%2B3&n=50>; rel="next"',
      'https://registry.example:5000/v2/a/b/tags/list?last=v1.2%2B3&n=50',
    ],
    [
      'absolute target',
      '<https://other.example/v2/_catalog?last=y>; rel="next"',
      'https://other.example/v2/_catalog?last=y',
    ],
    ['relative path target', '<_catalog?last=z>; rel="next"', 'https://registry.example:5000/v2/_catalog?last=z'],
    ['unquoted rel', '</n>; rel=next', 'https://registry.example:5000/n'],
    ['case-insensitive rel and name', '</n>; REL="Next"', 'https://registry.example:5000/n'],
    ['several rel values', '</n>; rel="prefetch next"', 'https://registry.example:5000/n'],
    ['rel with tabs and spaces', '</n> ;\trel = "last  next" ', 'https://registry.example:5000/n'],
    ['other params around rel', '</n>; title="a, b; c"; rel="next"; type=x', 'https://registry.example:5000/n'],
    ['no rel', '</n>', undefined],
    ['rel without next', '</p>; rel="prev"', undefined],
    ['rel that only contains next', '</p>; rel="nextpage"', undefined],
    ['rel with comma is not a list', '</p>; rel="prev,next"', undefined],
    ['only the first rel counts', '</p>; rel="prev"; rel="next"', undefined],
    [
      'several links in one header',
      '</first>; rel="first", </prev?a=1,2>; rel="prev", </next?a=3,4>; rel="next"',
      'https://registry.example:5000/next?a=3,4',
    ],
    ['the first next wins', '</one>; rel="next", </two>; rel="next"', 'https://registry.example:5000/one'],
    ['several headers', ['</p>; rel="prev"', '</n>; rel="next"'], 'https://registry.example:5000/n'],
    ['target with semicolon', '</n;x=1?a=b>; rel="next"', 'https://registry.example:5000/n;x=1?a=b'],
    ['spaces inside angle brackets are trimmed', '< /n >; rel="next"', 'https://registry.example:5000/n'],
    ['garbage before a link is skipped', 'junk; rel="next", </n>; rel="next"', 'https://registry.example:5000/n'],
    ['junk after a link is skipped', '</p> junk; rel="next", </n>; rel="next"', 'https://registry.example:5000/n'],
    ['unclosed angle bracket', '</n; rel="next"', undefined],
    [
      'an unresolvable target is skipped',
      '<http://[bad>; rel="next", </n>; rel="next"',
      'https://registry.example:5000/n',
    ],
    ['escaped quote in a param', String.raw`</n>; title="say \"hi\""; rel="next"`, 'https://registry.example:5000/n'],
    ['empty param', '</n>; ; rel="next"', 'https://registry.example:5000/n'],
  ];
  for (const [name, header, want] of cases) {
    test(name, () => assert.equal(nextLink(header, BASE), want));
  }

  test('an invalid base gives undefined', () => {
    assert.equal(nextLink('</n>; rel="next"', 'not a url'), undefined);
    assert.equal(nextLink('<https://a.example/n>; rel="next"', 'not a url'), undefined);
  });
});
