// Where a worker thread's entry file is: the compiled .js beside the module that starts it. Under
// the test runner that module is TypeScript source, and the worker is started through tsx's loader
// (a worker does not inherit the parent's).
export function workerUrl(callerUrl: string, name: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${name}.js`, callerUrl);
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
register();
await import(${JSON.stringify(new URL(`./${name}.ts`, callerUrl).href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}
