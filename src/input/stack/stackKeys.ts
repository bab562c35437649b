/**
 * Every stack key, declared once: its one-line description (Pulumi.yaml mirrors it), Pulumi
 * schema type and default, and the reference's meaning and default cells, from which `npm run docs`
 * generates the configuration table of docs/reference.md (a test fails when the two differ). The rules that
 * validate each key are in `settings.ts` (and `settingsNetwork.ts`, `settingsVpn.ts`). Pure data.
 */

export const NAMESPACE = "exchange-lab";
export const LOCATION_KEY = "azure-native:location";

/** How a key is declared in Pulumi.yaml: Pulumi's project schema types, or `undefined` when the
 * key cannot be declared there (maps have no schema type; an optional key without a default
 * would become required). */
type PulumiSchemaType = "string" | "boolean" | "integer" | "array" | undefined;
/** What the project knows about one config key. */
export interface ConfigKeySpec {
  /** One line, for Pulumi.yaml (whose `description` mirrors it). */
  description: string;
  pulumiType: PulumiSchemaType;
  default?: unknown;
  /** The reference table's "meaning" cell (Markdown), generated into the configuration table by `npm run docs`. */
  meaning: string;
  /** The reference table's "default" cell (Markdown). */
  defaultText: string;
}

/** The region key, outside the project's namespace: its row in docs/reference.md. */
export const LOCATION_SPEC = { meaning: "Azure region, e.g. `westeurope` (`West Europe` is accepted); must be in the bundled region catalogue (see \"Catalogues\")", defaultText: "required" } as const;

/** Every key the stack file may set under `exchange-lab:` (mirrored in Pulumi.yaml and docs/reference.md). */
export const CONFIG_KEYS = {
  resourceGroupName: {
    description: "Resource group the stack creates and owns (deleted by pulumi destroy).", pulumiType: "string",
    meaning: "resource group the stack creates and owns; `pulumi destroy` deletes it",
    defaultText: "required",
  },
  diskResourceGroupName: {
    description: "Existing resource group holding the VMs' managed disks; never owned by the stack.", pulumiType: "string",
    meaning: "existing resource group holding the managed disks; never owned; must differ from `resourceGroupName`",
    defaultText: "required",
  },
  csv: {
    description: "Path of the lab CSV, relative to the project directory.", pulumiType: "string", default: "lab.csv",
    meaning: "path of the lab CSV, relative to the project directory",
    defaultText: "`lab.csv`",
  },
  virtualNetworkName: {
    description: "Name of the lab's virtual network.", pulumiType: "string", default: "exchange-lab-vnet",
    meaning: "name of the virtual network",
    defaultText: "`exchange-lab-vnet`",
  },
  addressSpace: {
    description: "List of the virtual network's address spaces (CIDR).", pulumiType: "array",
    meaning: "list of CIDRs of the virtual network (no overlaps)",
    defaultText: "required",
  },
  gatewaySubnet: {
    description: "CIDR of GatewaySubnet, inside addressSpace (/29 minimum, /27 or larger recommended).", pulumiType: "string",
    meaning: "CIDR of `GatewaySubnet`, inside `addressSpace`, /29 or larger (/27 recommended)",
    defaultText: "required",
  },
  subnets: {
    description: "Map from lab subnet name (the CSV's SubnetName) to CIDR.", pulumiType: undefined,
    meaning: "map from subnet name (the CSV's `SubnetName`) to CIDR; inside `addressSpace`, disjoint from each other and from `GatewaySubnet`, /29 or larger",
    defaultText: "required",
  },
  onPremises: {
    description: "The DrayTek side: { publicIp or fqdn, addressSpaces: [CIDR...] }.", pulumiType: undefined,
    meaning: "`{ publicIp, addressSpaces: [CIDR...] }` (or `fqdn` instead of `publicIp` for a dynamic WAN address, e.g. DrayTek DDNS): the DrayTek's public WAN address and the office LANs; must not overlap `addressSpace`",
    defaultText: "required when `vpn` is true",
  },
  vpn: {
    description: "Declare the site-to-site VPN to the DrayTek (gateway, local network gateway, connection).", pulumiType: "boolean", default: true,
    meaning: "declare the site-to-site VPN (gateway, local network gateway, connection)",
    defaultText: "`true`",
  },
  vpnGatewaySku: {
    description: "VPN gateway SKU: VpnGw1AZ to VpnGw5AZ.", pulumiType: "string", default: "VpnGw1AZ",
    meaning: "`VpnGw1AZ` ... `VpnGw5AZ` (the only SKUs Azure still creates)",
    defaultText: "`VpnGw1AZ`",
  },
  vpnGatewayZones: {
    description: "Availability zones of the gateway's public IP; [] in a region without zones.", pulumiType: "array", default: ["1", "2", "3"],
    meaning: "zones of the gateway's public IP; `[]` in a region without availability zones",
    defaultText: "`[\"1\",\"2\",\"3\"]`",
  },
  ikeVersion: {
    description: "IKE version of the connection: IKEv2, or IKEv1 for older DrayTek firmware.", pulumiType: "string", default: "IKEv2",
    meaning: "`IKEv2`, or `IKEv1` only for DrayTek firmware without IKEv2 (with a warning: see \"The VPN to the DrayTek\")",
    defaultText: "`IKEv2`",
  },
  ipsecPolicy: {
    description: "Custom IPsec/IKE policy fields overriding the default (AES256/SHA256/DHGroup14, PFS2048).", pulumiType: undefined,
    meaning: "fields overriding the one custom IPsec/IKE policy (below)",
    defaultText: "the default policy",
  },
  vpnSharedKey: {
    description: "Pre-shared key of the connection, a secret (pulumi config set --secret); required when vpn is true.", pulumiType: undefined,
    meaning: "the pre-shared key, a secret: `pulumi config set --secret exchange-lab:vpnSharedKey <key>`. Printable ASCII without space, `-` or `~`, at most 128 characters; over 63 characters, or with one of `\" ' , < > * +` (DrayTek's password rules), a warning, as the router may not take it. Required when `vpn` is true: it is never generated inside the stack, where `pulumi destroy` would take it and the DrayTek would need a new one after every cycle. Without it `pulumi up` stops before declaring anything and prints the exact command with a fresh 32-character key; the plan shows the same as a warning",
    defaultText: "required with the VPN",
  },
  draytekProfileIndex: {
    description: "The DrayTek LAN-to-LAN profile index this lab's telnet script writes (1-32 on a Vigor2927, 1-500 on a Vigor3912); check it is free first.", pulumiType: undefined,
    meaning: "the index of the lab's LAN-to-LAN profile on the DrayTek, used by the telnet/SSH script of the plan (`--format draytek-cli`) and of the stack output `draytek.cliScript`: 1-32 on a Vigor2927 V2.2, 1-500 on a Vigor3912 (above 32, a warning). `vpn option <index>` overwrites that profile without asking, so check it is free first (`vpn list <index> all` shows \"% Profile Name : ???\"). Unset, the script starts by probing for a free index and writes `<INDEX>` where the index goes; two labs behind one router may not share an index",
    defaultText: "none: the script leaves the index to fill in",
  },
  vpnGatewayGeneration: {
    description: "Generation1 or Generation2; default Generation1 wherever the SKU exists in it, so SKU changes are in-place resizes.", pulumiType: undefined,
    meaning: "`Generation1` or `Generation2`. The default keeps Generation1 wherever the SKU exists in it (VpnGw1AZ-3AZ; VpnGw4AZ/5AZ are Generation2 only), so VpnGw1AZ -> 2AZ -> 3AZ are in-place resizes; a change of generation rebuilds the gateway (45 minutes or more; the plan warns)",
    defaultText: "by SKU",
  },
  dnsLabel: {
    description: "DNS label of the lab's public IPs (<label>-vpn, <label>-lab); default from resourceGroupName and virtualNetworkName.", pulumiType: undefined,
    meaning: "DNS label of the lab's two public IPs: the gateway's is `<label>-vpn`, the endpoints' `<label>-lab`, each reachable as `<label>-vpn.<region>.cloudapp.azure.com`. A re-created IP with the same label gets the same name, so the DrayTek and your RDP shortcuts survive `pulumi destroy` + `pulumi up`. Lowercase letters, digits, `-`; unique in the region across all of Azure",
    defaultText: "`<resourceGroupName>-<virtualNetworkName>`, lowercased",
  },
  dnsLabelScope: {
    description: "Azure's domain name label scope (TenantReuse, SubscriptionReuse, ResourceGroupReuse) for the public IPs' labels; default none.", pulumiType: undefined,
    meaning: "`TenantReuse`, `SubscriptionReuse` or `ResourceGroupReuse`: Azure adds a hash of that scope to the name, so nobody outside it can take the label while the lab is parked; the name is then known after the first `pulumi up` and stays the same after it. A preview feature not offered in every region",
    defaultText: "none",
  },
  allowedSourcePrefixes: {
    description: "Internet sources (IPv4 or CIDR) allowed to the public endpoints; default the DrayTek's publicIp/32.", pulumiType: undefined,
    meaning: "internet sources (IPv4 address or CIDR) admitted to public RDP, and to the published endpoints unless `publishedSourcePrefixes` is set; `Internet`, `*` or `0.0.0.0/0` open them to everyone, only when written literally (with a warning)",
    defaultText: "`onPremises.publicIp`/32",
  },
  publishedSourcePrefixes: {
    description: "Internet sources (IPv4 or CIDR) allowed to the published endpoints (Endpoints column); default allowedSourcePrefixes.", pulumiType: undefined,
    meaning: "internet sources (IPv4 address or CIDR) admitted to the published endpoints (the `Endpoints` column: HTTPS, SMTP, ...), e.g. a mail relay or a tester's address, without opening RDP to them; `Internet`, `*` or `0.0.0.0/0` open the published ports to everyone, only when written literally (with a warning); RDP keeps `allowedSourcePrefixes`",
    defaultText: "`allowedSourcePrefixes`",
  },
  dnsServers: {
    description: "DNS servers of the virtual network: VM names of lab.csv or IPv4 addresses; empty uses Azure DNS.", pulumiType: "array", default: [],
    meaning: "the virtual network's DNS servers: VM names of the CSV (resolved to their private IPs) or IPv4 addresses",
    defaultText: "`[]` (Azure DNS)",
  },
  autoShutdown: {
    description: "Daily deallocation of every VM: { time: HHmm, timeZone: Windows time zone ID }.", pulumiType: undefined,
    meaning: "`{ time: \"HHmm\", timeZone: <Windows time zone ID, e.g. GMT Standard Time> }`: deallocate every VM daily. An IANA name (`Europe/London`) that maps to one Windows ID is replaced by it, with a warning",
    defaultText: "none",
  },
  readinessTimeoutMinutes: {
    description: "Deadline of each WaitForBoot=Yes VM's readiness gate, in minutes (5-85).", pulumiType: "integer", default: 30,
    meaning: "deadline, in whole minutes from 5 to 85, of each WaitForBoot=Yes VM's readiness gate (see \"Readiness gates\")",
    defaultText: "`30`",
  },
  readinessGates: {
    description: "Declare a readiness gate (a managed Run Command that waits until the VM serves) for each WaitForBoot=Yes VM.", pulumiType: "boolean", default: true,
    meaning: "declare a readiness gate for each WaitForBoot=Yes VM; `false`: later VMs wait only for the barrier VM to be created",
    defaultText: "`true`",
  },
  readinessGatesSkip: {
    description: "WaitForBoot=Yes VMs without a readiness gate (a VM agent too old to run commands); later VMs wait for the VM itself.", pulumiType: "array", default: [],
    meaning: "WaitForBoot=Yes VMs (CSV names) without a gate, for a VM agent too old to run commands",
    defaultText: "`[]`",
  },
  adminUsername: {
    description: "Windows administrator of the VMs built from an image (CSV column Image); required when a row has one.", pulumiType: undefined,
    meaning: "the administrator the first boot of an `Image` row's VM creates: at most 20 characters, not ending in `.`, none of Azure's reserved names (`administrator`, `admin`, `user`, `guest`, `root`, ...; see the VM FAQ https://learn.microsoft.com/azure/virtual-machines/windows/faq). Required when some row has `Image`; without it `pulumi up` stops with the command that sets it and the plan warns. Only a VM's first boot reads it: a later change reaches no existing disk",
    defaultText: "required with `Image`",
  },
  adminPassword: {
    description: "Password of adminUsername, a secret (pulumi config set --secret); required when a row has Image.", pulumiType: undefined,
    meaning: "the administrator's password, a secret: `pulumi config set --secret exchange-lab:adminPassword` (it prompts, so the password stays out of your shell history). 12-123 characters with 3 of lower case, upper case, digit and special character, none of Azure's refused values (VM FAQ). Required when some row has `Image`: never generated inside the stack, where `pulumi destroy` would lose it while the disk keeps it. Without it `pulumi up` stops with that command; the plan warns. Only a VM's first boot reads it: the disks keep the password they were built with",
    defaultText: "required with `Image`",
  },
  licenseType: {
    description: "Windows_Server (Azure Hybrid Benefit), Windows_Client (Windows 10/11 multitenant hosting rights) or None; default unset (pay-as-you-go Windows).", pulumiType: undefined,
    meaning: "`Windows_Server` to use Azure Hybrid Benefit (your own Windows Server licences with Software Assurance) on every VM but those of a Windows client image; `Windows_Client` for the multitenant hosting rights of Windows 10/11 on the VMs of a Windows client image (`MicrosoftWindowsDesktop`) only, and only if every user of them holds a qualifying per-user licence (Microsoft 365 E3/E5/F3/A3/A5, Windows Enterprise E3/E5, Windows Education A3/A5, Windows VDA E3/E5: a warning says so); `None` on every VM; unset, Windows is billed with the VM (the cost estimate's prices)",
    defaultText: "unset",
  },
  osDiskSku: {
    description: "Storage type of the OS disks created from an image: Standard_LRS, StandardSSD_LRS, Premium_LRS, StandardSSD_ZRS or Premium_ZRS.", pulumiType: "string", default: "StandardSSD_LRS",
    meaning: "storage type of the OS disks that `Image` rows create (127 GiB, the Windows Server images' size): `Standard_LRS` (S10), `StandardSSD_LRS` (E10), `Premium_LRS` (P10), `StandardSSD_ZRS`, `Premium_ZRS`. Read only when a disk is created; an existing disk keeps its type",
    defaultText: "`StandardSSD_LRS`",
  },
  parkedDiskSku: {
    description: "Storage type npm run lab -- stop --park (and park) gives the disks while the lab sleeps: Standard_LRS or StandardSSD_LRS, or { os, data }; default OS disks StandardSSD_LRS, data disks Standard_LRS.", pulumiType: undefined,
    meaning: "storage type `npm run lab -- stop --park` and `park` convert the lab's disks to while the lab sleeps: `Standard_LRS` (Standard HDD) or `StandardSSD_LRS` for every disk, or per disk role, `{ os: StandardSSD_LRS, data: Standard_LRS }` (the default: Microsoft retires Standard HDD OS disks on 2028-09-08, so OS disks park on Standard SSD; data disks on Standard HDD, the cheapest per month; an OS disk on Standard HDD is warned about). `start` and `unpark` convert each disk back to the type recorded on it. Read by `npm run lab`, the plan's cost and `pulumi up` (which refuses a parked OS disk); see docs/parking.md",
    defaultText: "`{ os: StandardSSD_LRS, data: Standard_LRS }`",
  },
  currency: {
    description: "Currency of your Azure billing account (the Retail Prices API's currencyCode, e.g. GBP, EUR): the plan shows prices only in it; default the bundled prices' currency.", pulumiType: undefined,
    meaning: "the currency your Azure billing account is billed in (Azure bills in the currency of the account's country, not the region's), as the Azure Retail Prices API writes it: `USD`, `GBP`, `EUR`, `SEK`, ... The plan's cost estimate uses only prices in this currency and never converts: if the bundled `prices/<region>.json` is in another one, the costs show as unknown with the `npm run prices -- --region <region> --currency <code>` that fetches them. Unset, the plan shows the bundled prices in their own currency (GBP for `uksouth` and `ukwest`, USD elsewhere; see docs/plan.md, \"Currency\")",
    defaultText: "the bundled prices' currency",
  },
  domainName: {
    description: "FQDN of the AD DS forest the CSV's Role=DC rows build (e.g. lab.example.com); required when a row has a Role.", pulumiType: undefined,
    meaning: "the DNS name of the forest the first `DC` row builds, e.g. `lab.example.com`: 2-5 labels of letters, digits and `-`, not a single label, at most 64 characters. Required when some row has a `Role` (see docs/domain-and-exchange.md)",
    defaultText: "required with `Role`",
  },
  domainNetbiosName: {
    description: "NetBIOS name of the domain; default the first label of domainName, upper case.", pulumiType: undefined,
    meaning: "the domain's NetBIOS name: 1-15 letters, digits and `-`, not all digits",
    defaultText: "first label of `domainName`, upper case",
  },
  safeModePassword: {
    description: "Directory Services Restore Mode password of the domain controllers, a secret (pulumi config set --secret); required with a DC row.", pulumiType: undefined,
    meaning: "the DSRM password of every domain controller the lab promotes, a secret: `pulumi config set --secret exchange-lab:safeModePassword` (it prompts). Passed to the guest only as a protected parameter of a Run Command, never printed. Required with a `DC` row: without it `pulumi up` stops with that command; the plan warns",
    defaultText: "required with `DC`",
  },
  exchangeOrganization: {
    description: "Exchange organization name Setup /PrepareAD creates; default ExchangeLab.", pulumiType: undefined,
    meaning: "the Exchange organization `Setup.exe /PrepareAD /OrganizationName` creates: 1-64 letters, digits, spaces and `-`, not starting or ending with a space",
    defaultText: "`ExchangeLab`",
  },
  exchangeIsoUrl: {
    description: "HTTPS URL (a short-lived SAS URL) of your copy of the Exchange Server SE ISO, a secret; required with an Exchange row.", pulumiType: undefined,
    meaning: "where the `Exchange` rows download the Exchange Server SE ISO: an `https://` URL, normally a read-only SAS URL of a blob holding your own copy (Microsoft publishes no anonymous URL; see docs/domain-and-exchange.md, \"Staging the ISO\"). A secret: `pulumi config set --secret exchange-lab:exchangeIsoUrl`. Required with an `Exchange` row: without it `pulumi up` stops with that command; the plan warns",
    defaultText: "required with `Exchange`",
  },
  exchangeProductKey: {
    description: "Exchange Server product key (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX), an optional secret; without it a 180-day trial.", pulumiType: undefined,
    meaning: "optional secret: the product key the Exchange servers are licensed with after Setup (`Set-ExchangeServer -ProductKey`); without it Exchange runs as a Trial Edition for 180 days (Exchange 2019 documentation, https://learn.microsoft.com/exchange/plan-and-deploy/deployment-ref/editions-and-versions)",
    defaultText: "none (trial)",
  },
} as const satisfies Record<string, ConfigKeySpec>;

/** The keys that hold secrets: stored with `pulumi config set --secret`, never printed, never recorded. */
export const SECRET_CONFIG_KEYS = ["vpnSharedKey", "adminPassword", "safeModePassword", "exchangeIsoUrl", "exchangeProductKey"] as const;
/** A key of {@link CONFIG_KEYS}: a typo in the program's own reads fails to compile. */
export type ConfigKey = keyof typeof CONFIG_KEYS;

/** The spec of a key named at run time (a stack file's key), or `undefined` for an unknown one. */
export function configKeySpec(name: string): ConfigKeySpec | undefined {
  return Object.prototype.hasOwnProperty.call(CONFIG_KEYS, name) ? (CONFIG_KEYS as Record<string, ConfigKeySpec>)[name] : undefined;
}

/** Defaults of the optional keys, as the program applies them (Pulumi.yaml mirrors them). */
export const CONFIG_DEFAULTS = Object.fromEntries(
  Object.entries(CONFIG_KEYS as Record<string, ConfigKeySpec>).filter(([, k]) => k.default !== undefined).map(([name, k]) => [name, k.default]),
) as Readonly<Record<string, unknown>>;

/** The configuration table of docs/reference.md (Markdown), rendered from {@link CONFIG_KEYS}. */
export function stackKeysTable(): string {
  return [
    "| key | meaning | default |",
    "|---|---|---|",
    `| \`${LOCATION_KEY}\` | ${LOCATION_SPEC.meaning} | ${LOCATION_SPEC.defaultText} |`,
    ...Object.entries(CONFIG_KEYS as Record<string, ConfigKeySpec>).map(([key, k]) => `| \`${key}\` | ${k.meaning} | ${k.defaultText} |`),
  ].join("\n") + "\n";
}
