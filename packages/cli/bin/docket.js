#!/usr/bin/env node
// Launcher for the `docket` command: the sources are TypeScript run through tsx (no build step),
// so register tsx's ESM loader first, then hand over to the composition root.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
