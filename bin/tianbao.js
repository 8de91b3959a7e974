#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so the bin works from a clone without a build step.
require('tsx/cjs');
require('../src/cli/index.ts');
