// The pack as the engine runs it: `pulumi preview --policy-pack policy` starts this module (through
// the Node.js language host's run-policy-pack, with the pack directory as working directory, where
// package.json gives the version) and PolicyPack serves the policies over gRPC. Nothing else may
// import this file: constructing PolicyPack starts the server.

import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, { policies });
