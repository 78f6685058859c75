/**
 * What a refused connection says, in English (the reference): one message per reason,
 * `{{target}}` the host and the address it resolved to, `{{entry}}` what to add to the
 * setting. Browser-safe: the editor shows them in the reader's language.
 */
export const words = {
  loopback:
    'Junction does not connect to {{target}}: that is this server itself (loopback), which workflows may not reach. If it should be reached, an administrator can add {{entry}} to the setting JUNCTION_OUTBOUND_ALLOW.',
  unspecified:
    'Junction does not connect to {{target}}: that is the "any address" (0.0.0.0 or ::), which reaches this server itself. Give the address of the system to call instead.',
  linkLocal:
    'Junction does not connect to {{target}}: that is a link-local address, where cloud servers hand out their own credentials (the metadata service). If it should be reached, an administrator can add {{entry}} to the setting JUNCTION_OUTBOUND_ALLOW.',
  private:
    'Junction does not connect to {{target}}: that is an address of a private network (10.x, 172.16–31.x, 192.168.x), inside a company network. If workflows should reach this system (an ERP on the office network), an administrator can add {{entry}} to the setting JUNCTION_OUTBOUND_ALLOW.',
  sharedAddress:
    "Junction does not connect to {{target}}: that is an address of a provider's internal network (100.64.0.0/10). If it should be reached, an administrator can add {{entry}} to the setting JUNCTION_OUTBOUND_ALLOW.",
  uniqueLocal:
    'Junction does not connect to {{target}}: that is an address of a private IPv6 network (fc00::/7), inside a company network. If workflows should reach this system, an administrator can add {{entry}} to the setting JUNCTION_OUTBOUND_ALLOW.',
  reserved:
    'Junction does not connect to {{target}}: that is a reserved or multicast address, not one a system answers at. If it should be reached, an administrator can add {{entry}} to the setting JUNCTION_OUTBOUND_ALLOW.',
  denied:
    'Junction does not connect to {{target}}: the setting JUNCTION_OUTBOUND_DENY refuses it ({{rule}}). An administrator can change that setting.',
  localSocket:
    'Junction does not connect to the local socket {{target}}: only systems at a network address can be reached. Give the host name or address of the system instead.',
  redirected: '{{from}} redirected to {{to}}, and {{refusal}}',
} as const;
