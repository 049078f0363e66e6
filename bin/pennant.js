#!/usr/bin/env node
// In a checkout, runs the TypeScript sources through tsx, so `node bin/pennant.js` never runs a stale
// build; an installed package (which ships dist/ and no src/) runs the build.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
let cli;
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/cli/main.js', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv);
