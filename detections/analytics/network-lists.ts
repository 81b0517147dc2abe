/**
 * Reference lists the analytics use as parameter defaults. They are data, overridable per
 * deployment through the analytic's parameters and the allowlist file.
 */

/**
 * Mobile carrier ASNs: carrier-grade NAT gateways geolocate to wherever the carrier's gateway is,
 * often hundreds of km from the handset, so a hop onto or off them is no evidence of travel
 * (the most common impossible-travel complaint on Okta/Entra/Panther forums).
 */
export const MOBILE_CARRIER_ASNS: number[] = [
  21928, // T-Mobile USA
  22394, // Verizon Wireless (Cellco)
  6167, // Verizon Wireless
  20057, // AT&T Mobility
  10507, // Sprint
  3651, // Sprint
  812, // Rogers (mobile + cable)
  36522, // Bell Mobility
  6805, // Telefonica Germany (O2)
  12576, // EE (UK)
  25135, // Vodafone UK
  206067, // Three UK
  60339, // Three UK (H3G)
  30722, // Vodafone Italy
  12430, // Vodafone Spain
  51207, // Free Mobile (FR)
  15557, // SFR
  55836, // Reliance Jio
  45609, // Bharti Airtel mobile
  45143, // Singtel mobile
  4818, // DiGi Malaysia
  9299, // PLDT/Smart
  17676, // SoftBank
  2516, // KDDI
  9605, // NTT Docomo
  4775, // Globe Telecom
  26599, // Vivo (BR)
  28573, // Claro (BR)
  1221, // Telstra
  133612, // Vodafone Australia
];

/** Regex on the AS organisation name that marks a mobile network when the ASN is not listed. */
export const MOBILE_CARRIER_ORG_RE = '(?i)(mobile|wireless|cellular|mobility|t-mobile|\\bLTE\\b|\\b5G\\b)';

/**
 * In-flight Wi-Fi, privacy relays and cloud security proxies: Panther's impossible-travel rule skips these explicitly
 * (Gogo, Panasonic Avionics, Viasat in-flight, Apple iCloud Private Relay egress via Akamai/Cloudflare).
 */
export const INFLIGHT_AND_RELAY_ASNS: number[] = [
  22335, // Gogo / Intelsat in-flight
  394229, // Gogo business aviation
  5586, // Panasonic Avionics
  7155, // Viasat
  40306, // Viasat in-flight
  36183, // Akamai (iCloud Private Relay)
  // Security service edge / cloud proxy egress: the IP is the proxy's PoP, not the user.
  62044, // Zscaler
  53813, // Zscaler
  55256, // Netskope
];

/**
 * Country pairs that share a land border, for the bordering-country rule (Microsoft's atypical travel
 * ignores same and bordering countries because ISP gateways routinely geolocate across the border).
 * Pairs are written in ISO 3166-1 alpha-2, alphabetical order.
 */
export const BORDERING_COUNTRIES: string[] = [
  'AT-CH', 'AT-CZ', 'AT-DE', 'AT-HU', 'AT-IT', 'AT-LI', 'AT-SI', 'AT-SK',
  'BE-DE', 'BE-FR', 'BE-LU', 'BE-NL',
  'CH-DE', 'CH-FR', 'CH-IT', 'CH-LI',
  'CZ-DE', 'CZ-PL', 'CZ-SK',
  'DE-DK', 'DE-FR', 'DE-LU', 'DE-NL', 'DE-PL',
  'ES-FR', 'ES-PT', 'ES-AD', 'AD-FR', 'FR-IT', 'FR-LU', 'FR-MC',
  'FI-NO', 'FI-SE', 'NO-SE',
  'GB-IE',
  'HU-RO', 'HU-SK', 'HU-HR', 'HU-RS', 'HU-SI', 'HU-UA', 'PL-SK', 'PL-UA', 'PL-LT', 'LT-LV', 'EE-LV',
  'CA-US', 'MX-US',
  'AR-BR', 'AR-CL', 'AR-UY', 'BR-UY', 'BR-PY', 'AR-PY', 'BR-CO', 'BR-PE', 'CO-EC', 'EC-PE',
  'CN-HK', 'CN-MO', 'CN-IN', 'CN-VN', 'IN-PK', 'BD-IN', 'MY-SG', 'MY-TH', 'KH-TH', 'LA-TH', 'MM-TH',
  'AE-SA', 'AE-OM', 'JO-SA', 'IL-JO', 'EG-IL',
];
