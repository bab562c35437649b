/**
 * Every CSV column, declared once: its canonical spelling, whether a row needs it, and the
 * reference's meaning cell, from which `npm run docs` generates the CSV reference in docs/reference.md (a test
 * fails when the two differ). The classic columns of the 2014 scripts come first, in their order,
 * so an old CSV keeps working; this project's optional `Endpoints`, `DataDisks` and `DiskTiers`
 * follow. `csv.ts` reads the columns; `lab.ts` holds each one's rules. Pure data.
 */
export const CSV_COLUMN_SPECS = [
  { name: "BringOnline", required: false, meaning: "`Yes` (default) or `No`. `No`: the VM is not declared, its name and IP stay reserved." },
  { name: "VMName", required: true, meaning: "the VM's Azure name: 1-64 letters, digits and `-`, not ending in `-`, not all digits; unique (case-insensitive). Over 15 characters (the Windows computer-name limit) gives a warning." },
  { name: "StorageAccount", required: false, meaning: "classic only: accepted and ignored." },
  { name: "VMOSDiskName", required: false, meaning: "the managed OS disk: its name in `diskResourceGroupName`, or its full resource ID (which must be in that group). Attached with `createOption: Attach` and `deleteOption: Detach`; never owned. One disk per row. Required unless the row has an `Image`; with one, the disk the VM creates from the image on its first `pulumi up` (default `<resourceGroupName>-<VMName>-os`, unique across labs sharing the disk group; `npm run plan -- --pin` writes it in)." },
  { name: "VMInstanceSize", required: true, meaning: "a classic size (table below) or an Azure size name of the bundled VM size catalogue, such as `Standard_D2s_v5` (any case). Retired A-series, Arm64 and unknown sizes are errors (an unknown one names the closest); sizes that boot only Generation 2 disks (Bsv2, Basv2, Dsv6) give a warning." },
  { name: "SubnetName", required: true, meaning: "a key of `subnets` (case-insensitive)." },
  { name: "IPAddress", required: false, meaning: "the static private IPv4 address: inside its subnet, not one of the five Azure reserves (first four, last), unique. Empty: once deployed, the VM keeps the address it has (the stack remembers it, see \"The lab's life\"); a new row takes the lowest usable address that neither the CSV nor the deployment holds (in a fresh lab the first VM of a subnet gets `.4`, as in the classic lab). Inserting, deleting or reordering rows never moves a deployed VM. The plan shows every address and where it comes from (`csv`, `kept`, `assigned`); `npm run plan -- --pin` writes them down." },
  { name: "Location", required: false, meaning: "empty, or the stack's region in either spelling (`West Europe` = `westeurope`)." },
  { name: "AffinityGroup", required: false, meaning: "classic only: accepted and ignored." },
  { name: "WaitForBoot", required: false, meaning: "`Yes` or `No` (default). A `Yes` row is a barrier: every later VM is created after it, and it is created after every VM since the previous barrier; VMs between two barriers are created in parallel. Azure reports a VM created once it is running, not once Windows has finished booting." },
  { name: "PublicRDPPort", required: false, meaning: "1-65534 (the load balancer's frontend ports) or empty; unique in the file: the public port that reaches this VM's RDP (3389)." },
  { name: "Endpoints", required: false, meaning: "optional: ports published on the lab's public IP, `;`-separated names (`smtp` 25, `http` 80, `https` 443, `submission` 587, `imaps` 993, `pop3s` 995) or port numbers from 1 to 65534. A port listed by several VMs is balanced across them. It must not be another VM's `PublicRDPPort`. Publishing SMTP gives a warning: outbound TCP 25 is blocked on most subscriptions." },
  { name: "DataDisks", required: false, meaning: "optional: existing managed data disks, `;`-separated names or IDs in `diskResourceGroupName`, each optionally with its LUN (`0:mh-ex1-db;1:mh-ex1-log`), attached with `Attach` and `deleteOption: Detach`; no more than the size attaches (from the VM size catalogue: 2 for Small's Standard_B1ms, 8 for Large's Standard_B4ms). The guest finds a disk by its LUN, so a LUN never moves: a written LUN stands, a deployed disk keeps its LUN, a new disk takes the lowest free LUN." },
  { name: "DiskTiers", required: false, meaning: "optional, for the cost estimate only: the disks' tiers, `;`-separated, OS disk first, then each data disk (`S4`-`S80` Standard HDD, `E1`-`E80` Standard SSD, `P1`-`P80` Premium SSD). A disk without one is priced as S10, and the plan says so." },
  { name: "Image", required: false, meaning: "optional: build the VM from a Windows Server marketplace image while its OS disk does not exist yet. An alias (`ws2022`, `ws2025`: Generation 1; `ws2022-g2`, `ws2025-g2`: Generation 2 with Trusted Launch) or a `publisher:offer:sku:version` URN (Generation 2 when the SKU ends in `-g2` or contains `gen2`, else Generation 1, with a warning). The first `pulumi up` creates the VM and its disk (`VMOSDiskName`) from the image; after `pulumi destroy` the disk stays, and every later `pulumi up` attaches it. The VM lives in `diskResourceGroupName` (see \"Building from an image\"); needs `adminUsername` and `adminPassword`. Classic sizes boot both generations; a size that boots only Generation 2 is an error with a Generation 1 image." },
  { name: "ComputerName", required: false, meaning: "optional, with `Image` only: the Windows computer name the image's first boot gets; at most 15 letters, digits and `-`, not all digits. Default the VMName, which must then fit. Without `Image` the disk already carries its name: a warning, ignored." },
  { name: "Role", required: false, meaning: "optional, with `Image` only: what the VM's first life makes of it (see docs/domain-and-exchange.md). Empty: nothing (today's behaviour). `DC`: a domain controller; the first `DC` row builds the forest `domainName`, later ones join it as additional DCs; needs `WaitForBoot` `Yes`. `Exchange`: a domain member with the Exchange Server SE Mailbox role (never also a DC); needs a `DC` row before it and a size with at least 16 GiB of memory, and `WaitForBoot` `Yes` when another `Exchange` row follows (one Setup at a time). `Member`: joined to the domain; needs a `DC` row before it. Roles run only while the VM is built from its image: a VM that attaches an existing disk never runs a role step. Needs the stack keys `domainName` and `safeModePassword` (and, with an `Exchange` row, `exchangeIsoUrl`)." },
] as const;

export type CsvColumn = (typeof CSV_COLUMN_SPECS)[number]["name"];
/** Every column name, in the table's order. */
export const CSV_COLUMNS: readonly CsvColumn[] = CSV_COLUMN_SPECS.map((c) => c.name);
/** Columns without which a row cannot describe a VM. */
export const REQUIRED_COLUMNS: readonly CsvColumn[] = CSV_COLUMN_SPECS.filter((c) => c.required).map((c) => c.name);

/** The CSV reference table of docs/reference.md (Markdown), rendered from {@link CSV_COLUMN_SPECS}. */
export function csvColumnsTable(): string {
  return ["| column | meaning |", "|---|---|", ...CSV_COLUMN_SPECS.map((c) => `| \`${c.name}\` | ${c.meaning} |`)].join("\n") + "\n";
}
