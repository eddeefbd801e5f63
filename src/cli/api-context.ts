import type { Command } from 'commander';
import { ApiClient, ApiError } from './api-client.js';
import { fail, loadConfigOrExit, type GlobalOptions } from './context.js';
import { processEnv } from '../config/process-env.js';

/** Options of every command that talks to the running service. */
export interface ApiOptions {
  url?: string;
  token?: string;
}

export const withApiOptions = (cmd: Command) =>
  cmd
    .option('--url <url>', 'the service (default: server.host and server.port of the config)')
    .option('--token <token>', 'API token (default: $UVM_TOKEN)');

/** The running service's REST API: --url (default: this config's server address) and a token. */
export function apiClient(program: Command, opts: ApiOptions): ApiClient {
  const token = opts.token ?? processEnv('apiToken');
  if (!token) fail('an API token is needed: --token or the UVM_TOKEN environment variable', 2);
  let url = opts.url;
  if (!url) {
    const { server } = loadConfigOrExit(program.opts<GlobalOptions>());
    url = `http://${server.host === '0.0.0.0' ? '127.0.0.1' : server.host}:${server.port}`;
  }
  return new ApiClient(url, token);
}

/** Runs an API call, printing the API's error (code and status) and exiting 1 on failure. */
export async function runApi<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) fail(`${err.message} (${err.code}, HTTP ${err.status})`);
    fail((err as Error).message);
  }
}
