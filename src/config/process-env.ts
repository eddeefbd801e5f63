/**
 * The few environment variables that are not service configuration: read by tools and by the ML
 * runtime before (or without) a loaded config. Every one carries the config's `UVM_` prefix, and
 * the config loader leaves them alone. Earlier names (`USERVM_...`, `DEMO_DIR`) are still read,
 * after the new ones, so existing scripts keep working.
 */
const VARIABLES = {
  /** The CLI's API token when `--token` is not given. */
  apiToken: ['UVM_TOKEN', 'USERVM_TOKEN'],
  /** `off` runs tfjs on its wasm kernels only (no OpenBLAS addon). */
  nativeKernels: ['UVM_NATIVE_KERNELS', 'USERVM_NATIVE_KERNELS'],
  /** `1`: a missing native addon fails the build and its test (CI). */
  requireNative: ['UVM_REQUIRE_NATIVE', 'USERVM_REQUIRE_NATIVE'],
  /** Where `npm run demo` keeps its data. */
  demoDir: ['UVM_DEMO_DIR', 'DEMO_DIR'],
} as const;

/** The `UVM_` names above: not config paths. */
export const PROCESS_ENV_NAMES: ReadonlySet<string> = new Set(
  Object.values(VARIABLES).map((names) => names[0]),
);

export function processEnv(
  name: keyof typeof VARIABLES,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  for (const variable of VARIABLES[name]) if (env[variable] !== undefined) return env[variable];
  return undefined;
}
