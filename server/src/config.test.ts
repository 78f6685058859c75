import { describe, expect, it } from 'vitest';
import { loadConfig, outboundSettings } from './config.ts';

describe('the outbound settings', () => {
  it('are read as they are written, and default to none (the refused ranges stay refused)', () => {
    expect(outboundSettings(loadConfig({}))).toEqual({ allow: undefined, deny: undefined });
    const config = loadConfig({ JUNCTION_OUTBOUND_ALLOW: '10.20.0.0/16, erp.internal', JUNCTION_OUTBOUND_DENY: '10.20.0.9' });
    expect(outboundSettings(config)).toEqual({ allow: '10.20.0.0/16, erp.internal', deny: '10.20.0.9' });
  });

  it('stop the start at an entry that is not an address, a CIDR or a host name, naming the setting and the entry', () => {
    expect(() => loadConfig({ JUNCTION_OUTBOUND_ALLOW: '10.0.0.0/8, 10.0.0.0/40' })).toThrow(/JUNCTION_OUTBOUND_ALLOW: "10\.0\.0\.0\/40" has a prefix length that is not 0 to 32/);
    expect(() => loadConfig({ JUNCTION_OUTBOUND_DENY: 'https://metadata.internal' })).toThrow(/JUNCTION_OUTBOUND_DENY: "https:\/\/metadata\.internal" is not a host name, IP address or CIDR/);
  });
});
