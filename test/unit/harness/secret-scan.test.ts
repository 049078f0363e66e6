import { describe, expect, it } from 'vitest';
import { secretLeaks } from '../../harness/secret-scan.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAMwAAAAtzc2gtZWQyNTUxOQAAACDfakefakefake\n-----END OPENSSH PRIVATE KEY-----\n';
const SECRETS = [
  { name: 'slack webhook', value: 'https://hooks.example/services/T000/B000/XXXXSECRETXXXX' },
  { name: 'git token', value: 'ghp_t0kenT0ken' },
  { name: 'ssh key', value: KEY },
];

describe('secretLeaks', () => {
  it('finds nothing in text that holds no secret', () => {
    expect(secretLeaks([{ where: 'log', text: 'push refused: bad or missing signature; posted to slack AlertProvider a/on-call' }], SECRETS)).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['a whole URL', 'posting to https://hooks.example/services/T000/B000/XXXXSECRETXXXX failed', 'slack webhook'],
    ['the path of a URL without its host', '{"path":"/services/T000/B000/XXXXSECRETXXXX"}', 'slack webhook'],
    ['a token URL-encoded in a URL', 'https://x:ghp_t0kenT0ken@git.example', 'git token'],
    ['a token in base64', `data: ${Buffer.from('ghp_t0kenT0ken').toString('base64')}`, 'git token'],
    ['one line of an SSH key', 'identity starts AAAAMwAAAAtzc2gtZWQyNTUxOQAAACDfakefakefake', 'ssh key'],
    ['an SSH key JSON-escaped', JSON.stringify({ msg: KEY }), 'ssh key'],
  ])('finds %s', (_, text, secret) => {
    expect(secretLeaks([{ where: 'Events', text }], SECRETS)).toEqual([`${secret} in Events`]);
  });
});
