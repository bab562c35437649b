// See lifecycleSuite.ts: every scenario with every VM deallocated between deployments (auto-shutdown).
import { lifecycleSuite } from "./lifecycleSuite";

lifecycleSuite("deallocated");
