#!/usr/bin/env node
// The installed `tidemark` command: load TypeScript through tsx, then run the CLI.
require('tsx/cjs');
require('./main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
