// See lifecycleSuite.ts: every scenario with the lab running between deployments.
import { lifecycleSuite } from "./lifecycleSuite";

lifecycleSuite("running");
