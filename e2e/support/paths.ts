import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const clientDir = path.join(repository, 'client');
export const clientDist = path.join(clientDir, 'dist');
