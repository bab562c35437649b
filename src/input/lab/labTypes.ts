/**
 * The shapes of the validated lab, apart from the code that builds them: lab.ts builds the lab
 * with the row reader (labRows.ts) and the lifecycle rules (lifecycle.ts), which need these
 * shapes too; with the shapes here, neither imports lab.ts back.
 */
import { DiskRef } from "../csv/disks";
import { ImageRef, OsDiskMode } from "../csv/images";
import { PreviousDeployment } from "./previous";
import { Problem } from "../problems";
import { StackSettings } from "../stack/settingsTypes";
import type { ResizeVerdict } from "./resize";

/** One VM of the lab (one CSV row). */
export interface LabVm {
  /** Azure VM name (the CSV's VMName). */
  name: string;
  /** CSV line of the row. */
  line: number;
  /** False for BringOnline=No: not declared, but its name and IP stay reserved. */
  bringOnline: boolean;
  /** WaitForBoot=Yes: a barrier in the boot order. */
  waitForBoot: boolean;
  /** Azure size name, e.g. `Standard_B1ms`. */
  size: string;
  /** The classic InstanceSize the size was mapped from, if any. */
  classicSize?: string;
  subnet: string;
  /** Static private IPv4 address. */
  privateIp: string;
  /** Where the IP comes from: written in the CSV, kept from the previous deployment, or assigned
   * (the lowest usable address neither the CSV nor the previous deployment holds). */
  ipSource: "csv" | "kept" | "assigned";
  osDisk: DiskRef;
  /** Existing data disks with their LUNs, in the CSV's order. */
  dataDisks: DataDisk[];
  /** The name it was deployed under before, when the row renames a deployed VM (found by its OS disk). */
  previousName?: string;
  /** Whether this machine (by name, or by OS disk for a rename) was declared by the previous deployment. */
  deployedBefore: boolean;
  /** Tiers of the OS disk then the data disks, as far as the CSV gives them (cost estimate only). */
  diskTiers: string[];
  publicRdpPort?: number;
  /** TCP ports published through the load balancer (the Endpoints column). */
  endpoints: number[];
  /** Names of the declared VMs this one is created after (boot order). Empty for BringOnline=No rows. */
  dependsOn: string[];
  /** The marketplace image the VM is built from while its OS disk does not exist (the Image column). */
  image?: ImageRef;
  /** With `image`: the Windows computer name of the first boot (ComputerName, default the VM name). */
  computerName?: string;
  /** With `image`: the OS disk's name was derived (VMOSDiskName empty), not written in the CSV. */
  osDiskDerived?: boolean;
  /** With `image`, once known at deployment (`azure/osDisk.ts`): build from the image, or attach the disk. */
  osDiskMode?: OsDiskMode;
  /** The Azure name of its NIC, kept once deployed (`shellEdits.ts`); default `<VMName>-nic`. */
  nicName?: string;
  /** The Pulumi logical name of its NIC resource, kept once deployed across renames (`shellEdits.ts`,
   * `nicResourceNames`); default `<VMName>-nic`. */
  nicResource?: string;
  /** With a derived OS disk: the deployed disk is kept although the cell now derives `derived` (`shellEdits.ts`). */
  osDiskKept?: { derived: string };
  /** A deployed VM's size change and what Azure does with it (`resize.ts`). */
  resize?: ResizeVerdict;
  /** The Role column: what the VM's first life makes of it (`roles.ts`). */
  role?: Role;
}

/** A data disk with its LUN: written in the CSV (`2:disk`), kept from the previous deployment, or
 * assigned (the lowest LUN free on the VM). The guest finds a disk by its LUN, so it never moves. */
export interface DataDisk extends DiskRef {
  lun: number;
  lunSource: "csv" | "kept" | "assigned";
}

/** The validated lab: settings, every CSV row as a VM, and warnings that do not stop a deployment. */
export interface Lab {
  settings: StackSettings;
  csvFile: string;
  /** Every row, in CSV (boot) order, including BringOnline=No rows. */
  vms: LabVm[];
  /** The virtual network's DNS servers (IPv4), resolved from `dnsServers`; empty: Azure DNS. */
  dnsServers: string[];
  warnings: Problem[];
  /** The previous deployment the lab was built against, if known. */
  previous?: PreviousDeployment;
  /** The domain the Role rows build (stack keys `domainName` ...); set when a row has a role. */
  domain?: DomainSettings;
}

/** The values of the Role column. */
export const ROLES = ["DC", "Exchange", "Member"] as const;
export type Role = (typeof ROLES)[number];

/** The domain the Role rows build, from the stack (`undefined` when no row has a role). */
export interface DomainSettings {
  /** FQDN of the forest. */
  name: string;
  netbiosName: string;
  exchangeOrganization: string;
  /** Whether each secret is set; the values are read by the declaration, as Pulumi secrets. */
  safeModePassword: "configured" | "missing";
  exchangeIsoUrl: "configured" | "missing";
  exchangeProductKey: "configured" | "missing";
}
