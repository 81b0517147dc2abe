/** Client devices: user agents as Okta and Entra report them. */
import type { Rng } from './prng.js';

export interface Device {
  kind: 'windows' | 'mac' | 'ios' | 'android' | 'linux';
  ua: string;
  /** Okta `client.userAgent.os` / `.browser`. */
  oktaOs: string;
  oktaBrowser: string;
  /** Entra `deviceDetail.operatingSystem` / `.browser`. */
  entraOs: string;
  entraBrowser: string;
  deviceId: string;
  deviceName: string;
  trustType: string;
  managed: boolean;
  compliant: boolean;
}

const DESKTOPS = [
  { kind: 'windows', w: 50, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0', oktaOs: 'Windows 10', oktaBrowser: 'EDGE_CHROMIUM', entraOs: 'Windows10', entraBrowser: 'Edge 142.0.0' },
  { kind: 'windows', w: 20, ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36', oktaOs: 'Windows 10', oktaBrowser: 'CHROME', entraOs: 'Windows10', entraBrowser: 'Chrome 142.0.0' },
  { kind: 'mac', w: 20, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36', oktaOs: 'Mac OS X', oktaBrowser: 'CHROME', entraOs: 'MacOs', entraBrowser: 'Chrome 142.0.0' },
  { kind: 'mac', w: 8, ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15', oktaOs: 'Mac OS X', oktaBrowser: 'SAFARI', entraOs: 'MacOs', entraBrowser: 'Safari 26.1' },
  { kind: 'linux', w: 2, ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0', oktaOs: 'Linux', oktaBrowser: 'FIREFOX', entraOs: 'Linux', entraBrowser: 'Firefox 145.0' },
] as const;

const MOBILES = [
  { kind: 'ios', w: 60, ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.7 Mobile/15E148 Safari/604.1', oktaOs: 'iOS', oktaBrowser: 'SAFARI', entraOs: 'Ios', entraBrowser: 'Mobile Safari 18.7' },
  { kind: 'android', w: 40, ua: 'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36', oktaOs: 'Android 15', oktaBrowser: 'CHROME', entraOs: 'Android', entraBrowser: 'Chrome Mobile 142.0.0' },
] as const;

export function desktopDevice(rng: Rng, hostPrefix: string): Device {
  const d = rng.weighted(DESKTOPS.map((x) => [x, x.w] as const));
  const managed = d.kind !== 'linux' && rng.chance(0.97);
  return {
    kind: d.kind,
    ua: d.ua,
    oktaOs: d.oktaOs,
    oktaBrowser: d.oktaBrowser,
    entraOs: d.entraOs,
    entraBrowser: d.entraBrowser,
    deviceId: managed ? rng.uuid() : '',
    deviceName: managed ? `${hostPrefix}-${d.kind === 'mac' ? 'MBP' : 'LT'}${rng.digits(5)}` : '',
    trustType: managed ? (d.kind === 'windows' ? rng.pick(['Azure AD joined', 'Hybrid Azure AD joined']) : 'Azure AD registered') : '',
    managed,
    compliant: managed && rng.chance(0.96),
  };
}

export function mobileDevice(rng: Rng): Device {
  const d = rng.weighted(MOBILES.map((x) => [x, x.w] as const));
  return {
    kind: d.kind,
    ua: d.ua,
    oktaOs: d.oktaOs,
    oktaBrowser: d.oktaBrowser,
    entraOs: d.entraOs,
    entraBrowser: d.entraBrowser,
    deviceId: rng.uuid(),
    deviceName: d.kind === 'ios' ? 'iPhone' : 'Pixel 8',
    trustType: 'Azure AD registered',
    managed: true,
    compliant: true,
  };
}

export const OKTA_VERIFY_UA = {
  ios: 'OktaVerify/9.52.0 DeviceSDK/1.12.0 iOS/18.7 iPhone/Apple',
  android: 'OktaVerify/9.52.0 DeviceSDK/1.12.0 Android/15 Pixel 8/Google',
};

/** Scripted and legacy clients. */
export const SCRIPT_UAS = {
  python: 'python-requests/2.32.3',
  curl: 'curl/8.10.1',
  imap: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.5452; Pro)',
  eas: 'Apple-iPhone15C2/2207.100',
  smtp: 'BAV2ROPC',
  awsCli: 'aws-cli/2.22.4 md/awscrt#0.23.0 ua/2.1 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe sid/2c3b5d2a9f1e',
  terraform: 'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.6 ua/2.1 os/linux lang/go#1.23.3 md/GOOS#linux md/GOARCH#amd64 api/iam#1.38.2',
};
