// One provider (its SDK client and connection pool) for as long as the route and the model stay
// the same; a new one when either changes.
import type { Provider, ProviderConfig } from './provider.js';

export type ProviderFactory = (config: ProviderConfig) => Provider;

export class ProviderCache {
  private signature = '';
  private instance: Provider | undefined;

  constructor(private readonly make: ProviderFactory) {}

  get(config: ProviderConfig): Provider {
    const signature = JSON.stringify(config);
    if (!this.instance || signature !== this.signature) {
      this.instance = this.make(config);
      this.signature = signature;
    }
    return this.instance;
  }
}
