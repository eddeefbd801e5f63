import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The package version, read once (works from src/ and dist/, both two levels below the root). */
export const VERSION: string = (require('../../package.json') as { version: string }).version;
