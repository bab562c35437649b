/**
 * The shapes of the validated stack settings, apart from the code that reads them: settings.ts
 * parses the keys and imports the modules of each concern (settingsNetwork.ts, settingsVpn.ts),
 * which need these shapes too; with the shapes here, none of them imports settings.ts back.
 */
import { Cidr } from "../addresses";
import { VpnSettings } from "./vpn";

/**
 * The domain name label scopes a re-created public IP keeps its FQDN under (the FQDN then carries a
 * hash of the tenant, subscription or resource group; `NoReuse` would give a new one every time):
 * https://learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#domain-name-label-scope
 */
export const DNS_LABEL_SCOPES = ["TenantReuse", "SubscriptionReuse", "ResourceGroupReuse"] as const;
export type DnsLabelScope = (typeof DNS_LABEL_SCOPES)[number];

/** A lab subnet: its name (as used in the CSV) and address block. */
export interface SubnetSetting {
  name: string;
  cidr: Cidr;
}

/** The office network at the other end of the site-to-site VPN. */
export interface OnPremisesSetting {
  /** The DrayTek's WAN address (dotted-quad IPv4); exactly one of publicIp and fqdn. */
  publicIp?: string;
  /** The DrayTek's DNS name, for a dynamic WAN address (DrayTek DDNS). */
  fqdn?: string;
  /** The office LAN networks reached through the tunnel. */
  addressSpaces: Cidr[];
}

/** Validated stack settings. */
export interface StackSettings {
  /** ARM region name, e.g. `westeurope`. */
  location: string;
  resourceGroupName: string;
  diskResourceGroupName: string;
  /** Path of the lab CSV. */
  csv: string;
  virtualNetworkName: string;
  addressSpace: Cidr[];
  gatewaySubnet: Cidr;
  /** In stack-file order. */
  subnets: SubnetSetting[];
  onPremises?: OnPremisesSetting;
  /** The Azure side of the VPN; absent when `vpn` is false. */
  vpn?: VpnSettings;
  /** Internet sources admitted to public RDP (CIDR text, or the tag `Internet` when written literally). */
  allowedSourcePrefixes: string[];
  /** Internet sources admitted to the published endpoints (the Endpoints ports); `allowedSourcePrefixes` unless set. */
  publishedSourcePrefixes: string[];
  /** DNS servers as written (VM names or IPv4), resolved against the CSV in `lab.ts`. */
  dnsServers: string[];
  /** Where `dnsServers` is written, for problems found while resolving it. */
  dnsServersLocation: { file: string; line: number };
  /** Daily shutdown (deallocation) of every VM, if set. */
  autoShutdown?: { time: string; timeZone: string };
  /** DNS labels of the public IPs: `<dns.label>-vpn` (gateway) and `<dns.label>-lab` (endpoints). */
  dns: { label: string; scope?: DnsLabelScope };
  /** Readiness gates of the WaitForBoot=Yes VMs (src/azure/readinessGate.ts). */
  readiness: ReadinessSettings;
  /** VMs built from an image (the CSV's Image column): credentials, licence, disk type. */
  vmImage: VmImageSettings;
  /** The storage type `npm run lab -- stop --park` gives the disks while the lab sleeps. */
  parkedDiskSku: ParkedDiskSkus;
  /** The billing account's currency (ISO 4217, upper case), when the stack says it (`currency`). */
  currency?: string;
}

/** The storage type each disk role parks on (`parkedDiskSku`). */
export interface ParkedDiskSkus {
  /** OS disks: Standard SSD by default (Standard HDD OS disks retire on 2028-09-08). */
  os: ParkedDiskSku;
  /** Data disks: Standard HDD by default, the cheapest. */
  data: ParkedDiskSku;
}

/** What VMs built from an image need from the stack; the password itself is never held here. */
export interface VmImageSettings {
  adminUsername?: string;
  /** Whether the secret `adminPassword` is set (it is read by the declaration, as a secret). */
  adminPassword: "configured" | "missing";
  /** `Windows_Server` (Azure Hybrid Benefit: every VM but a Windows client image's), `Windows_Client`
   * (multitenant hosting rights: the VMs of Windows client images only) or `None` (every VM); unset when absent. */
  licenseType?: LicenseType;
  /** Storage type of the OS disks created from an image. */
  osDiskSku: OsDiskSku;
}

/** `licenseType` values (ARM `VirtualMachineProperties.licenseType`): `Windows_Server` for Azure
 * Hybrid Benefit (https://learn.microsoft.com/azure/virtual-machines/windows/hybrid-use-benefit-licensing),
 * `Windows_Client` for the multitenant hosting rights of Windows 10/11
 * (https://learn.microsoft.com/azure/virtual-machines/windows/windows-desktop-multitenant-hosting-deployment). */
export const LICENSE_TYPES = ["Windows_Server", "Windows_Client", "None"] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];
/** Storage types an OS disk can have (Ultra and Premium SSD v2 cannot be OS disks:
 * https://learn.microsoft.com/azure/virtual-machines/disks-types). */
export const OS_DISK_SKUS = ["Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS"] as const;
export type OsDiskSku = (typeof OS_DISK_SKUS)[number];
/** Storage types a parked disk can have: the two Standard ones, each cheaper than any Premium
 * tier of its size (https://learn.microsoft.com/azure/virtual-machines/disks-types); a type change
 * needs the disk unattached or its VM deallocated
 * (https://learn.microsoft.com/azure/virtual-machines/disks-convert-types). */
export const PARKED_DISK_SKUS = ["Standard_LRS", "StandardSSD_LRS"] as const;
export type ParkedDiskSku = (typeof PARKED_DISK_SKUS)[number];

/** The readiness gates' settings: the deadline, and which barriers have no gate. */
export interface ReadinessSettings {
  /** The gate script's deadline, in minutes. */
  timeoutMinutes: number;
  /** False: no gate at all (every later VM waits for the barrier VM, as before gates existed). */
  gates: boolean;
  /** VM names (as written) whose barrier has no gate; checked against the CSV in program.ts. */
  skip: string[];
  /** Where `readinessGatesSkip` is written. */
  skipLocation: { file: string; line: number };
}
