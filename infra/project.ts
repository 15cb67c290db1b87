// The project profile as the CDK app reads it: the file the functions load too (HERALD_PROJECT, else
// herald.project.json at the root), checked at synth, so a bad profile stops the synth naming each field.
import { join } from 'node:path';
import { loadProfile, profilePath, type Profile } from '../contracts/profile.ts';
import { PROJECT_ROOT } from './constructs/herald-function.ts';

export interface ProjectProfile {
  /** The profile's file (absolute): copied into every function's bundle. */
  readonly file: string;
  readonly profile: Profile;
}

export function readProject(file: string = profilePath()): ProjectProfile {
  return { file, profile: loadProfile(file, { localesDir: join(PROJECT_ROOT, 'locales') }) };
}
