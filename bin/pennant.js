#!/usr/bin/env node
// In a checkout, runs the TypeScript sources through tsx, so `node bin/pennant.js` never runs a stale
// build; an installed package (which ships dist/ and no src/) runs the build.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

// `pennant status | head` closes the pipe early: that ends the output, it is not a crash.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

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
