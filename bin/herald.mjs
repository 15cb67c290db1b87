#!/usr/bin/env node
// `npx herald ...`: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../local/cli.ts');
