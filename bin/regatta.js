#!/usr/bin/env node
// The `regatta` command: the compiled sources that `npm install` builds in `prepare`.
import '../dist/cli/run.js';
