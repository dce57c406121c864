#!/usr/bin/env node
// The CLI entry: runs the compiled sources that `npm install` builds in `prepare`.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
